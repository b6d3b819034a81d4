import { fmt } from "../../report/format.js";
import type { Check, Verdict } from "./types.js";

/**
 * Verdict rules: each check compares one measured number with a threshold stated in the
 * experiment's rule. On one seed a check passes or fails; the harness combines the seeds
 * (statistics.ts) into a mean with its interval and a third status, undecided. A value that could
 * not be measured (null, NaN) fails every comparison, so a broken run never confirms a claim;
 * +-Infinity (a run that never reaches a criterion) is a measured value and is compared.
 */
export function check(
  label: string,
  measured: number | null,
  op: "<" | "<=" | ">" | ">=",
  threshold: number,
  options: { scale?: "linear" | "log"; combine?: "mean" | "every-seed" } = {},
): Check {
  const m = measured !== null && !Number.isNaN(measured) ? measured : null;
  let pass = false;
  if (m !== null) {
    if (op === "<") pass = m < threshold;
    else if (op === "<=") pass = m <= threshold;
    else if (op === ">") pass = m > threshold;
    else pass = m >= threshold;
  }
  return {
    label,
    measured: m,
    op,
    threshold,
    text: `${fmt(m)} ${op} ${fmt(threshold)}`,
    pass,
    status: pass ? "pass" : "fail",
    ...(options.scale ? { scale: options.scale } : {}),
    ...(options.combine === "every-seed" ? { combine: options.combine } : {}),
  };
}

/** A yes/no fact (e.g. "the run diverged"): passes when `fact` equals `expected`. */
export function checkFact(label: string, fact: boolean, expected = true, detail = ""): Check {
  const pass = fact === expected;
  const text = `${fact ? "yes" : "no"} (expected ${expected ? "yes" : "no"})${detail ? `; ${detail}` : ""}`;
  return {
    label,
    measured: fact ? 1 : 0,
    op: "is",
    threshold: expected ? 1 : 0,
    text,
    pass,
    status: pass ? "pass" : "fail",
  };
}

/**
 * The three verdicts: refuted when a check fails, inconclusive when none fails but one is
 * undecided (or there is no check at all), confirmed when every check passes.
 */
export function verdict(checks: Check[], summary: string): Verdict {
  const status =
    checks.length === 0 || checks.some((c) => c.status === "undecided")
      ? checks.some((c) => c.status === "fail")
        ? "refuted"
        : "inconclusive"
      : checks.every((c) => c.status === "pass")
        ? "confirmed"
        : "refuted";
  return { status, confirmed: status === "confirmed", summary, checks };
}
