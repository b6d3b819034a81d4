/**
 * How many seeds a check needs: the power rule behind each experiment's `seedCounts`.
 *
 * A check's 95% t interval over n seeds decides it when it lies wholly on one side of the
 * threshold. With per-seed values of mean m and standard deviation s (from pilot seeds), the
 * interval m +- t_{0.975, n-1} s / sqrt(n) lands on the side of m with probability about 95% when
 *
 *   |m - threshold| / (s / sqrt(n))  >=  t_{0.975, n-1} + t_{0.95, n-1}
 *
 * (the one-sided power calculation, Cohen 1988, ch. 2, with t quantiles on both terms: the normal
 * z_{0.95} = 1.645 in the second term gives only about 89% power at n = 4, because the sample
 * standard deviation of a few seeds is itself noisy). The smallest such n is the seed count that
 * decides the check in about 19 runs of 20, on either side: a count below it leaves the verdict to
 * chance between "decided" and "inconclusive", which is what makes a verdict move with the base
 * seed. Ratios and times
 * (scale "log") use the logarithms, as the interval does. +Infinity (never reached) is replaced by
 * twice the largest finite value (a lower bound of its effect). Checks judged seed by seed (facts,
 * combine "every-seed") have no such n: they hold on every seed or they do not.
 *
 * The rule chooses a number of seeds from the spread of pilot seeds; it never looks at which side
 * the verdict falls on, and the thresholds stay those fixed in the experiment.
 */
import type { Check } from "../../report/report-types.js";
import { tQuantile } from "./statistics.js";

export interface SeedNeed {
  /** Mean and standard deviation of the pilot values (on logs for scale "log"). */
  mean: number;
  sd: number;
  /** The side of the threshold the pilot mean is on ("pass": the claim's side). */
  side: "pass" | "fail";
  /** The smallest n with 95% power (at least 2), or null when more than `max` would be needed. */
  seeds: number | null;
}

/**
 * The seeds a check needs to be decided with 95% power, from its pilot values (one per seed;
 * null entries are skipped). Returns null for checks judged seed by seed, or with fewer than
 * 3 pilot values.
 */
export function seedsForPower(
  values: readonly (number | null)[],
  check: Pick<Check, "op" | "threshold" | "scale" | "combine">,
  max = 300,
): SeedNeed | null {
  if (check.op === "is" || check.combine === "every-seed") return null;
  const log = check.scale === "log";
  const measured = values.filter((v): v is number => v !== null && !Number.isNaN(v) && (!log || v > 0));
  if (measured.length < 3) return null;
  const finite = measured.filter(Number.isFinite);
  const big = finite.length ? Math.max(...finite.map(Math.abs)) * 2 : 1;
  const xs = measured
    .map((v) => (Number.isFinite(v) ? v : Math.sign(v) * big))
    .map((v) => (log ? Math.log(v) : v));
  const threshold = log ? Math.log(check.threshold) : check.threshold;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  const holds =
    check.op === ">"
      ? mean > threshold
      : check.op === ">="
        ? mean >= threshold
        : check.op === "<"
          ? mean < threshold
          : mean <= threshold;
  const side = holds ? "pass" : "fail";
  const distance = Math.abs(mean - threshold);
  // Identical values on every pilot seed (e.g. 29 of 29 rows): a point interval, decided by any n.
  if (sd === 0) return { mean, sd, side, seeds: 2 };
  for (let n = 2; n <= max; n++)
    if (distance / (sd / Math.sqrt(n)) >= tQuantile(0.975, n - 1) + tQuantile(0.95, n - 1))
      return { mean, sd, side, seeds: n };
  return { mean, sd, side, seeds: null };
}
