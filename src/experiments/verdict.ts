import { formatPercent, formatSignificant } from "../math/format-number.js";
import type { Check, Verdict } from "./types.js";

/**
 * Verdict rules: each check compares one measured number with a threshold stated in the
 * experiment's rule; a claim is confirmed when every check passes. A value that could not be
 * measured (null, NaN) fails every comparison, so a broken run never confirms a claim.
 */
export function check(
  label: string,
  measured: number | null,
  op: "<" | "<=" | ">" | ">=",
  threshold: number,
): Check {
  const m = measured !== null && Number.isFinite(measured) ? measured : null;
  let pass = false;
  if (m !== null) {
    if (op === "<") pass = m < threshold;
    else if (op === "<=") pass = m <= threshold;
    else if (op === ">") pass = m > threshold;
    else pass = m >= threshold;
  }
  return { label, measured: m, op, threshold, text: `${fmt(m)} ${op} ${fmt(threshold)}`, pass };
}

/** A yes/no fact (e.g. "the run diverged"): passes when `fact` equals `expected`. */
export function checkFact(label: string, fact: boolean, expected = true, detail = ""): Check {
  const pass = fact === expected;
  const text = `${fact ? "yes" : "no"} (expected ${expected ? "yes" : "no"})${detail ? `; ${detail}` : ""}`;
  return { label, measured: fact ? 1 : 0, op: "is", threshold: expected ? 1 : 0, text, pass };
}

/** The AND of the checks, with a summary line. */
export function verdict(checks: Check[], summary: string): Verdict {
  return { confirmed: checks.length > 0 && checks.every((c) => c.pass), summary, checks };
}

/** A number in rules and summaries: 4 significant digits; a value that could not be measured (null) reads "NaN". */
export const fmt = (x: number | null | undefined, digits = 4): string =>
  formatSignificant(x ?? Number.NaN, digits);

/** A fraction as a percentage with one decimal, e.g. 0.9734 -> "97.3%"; null reads "NaN". */
export const pct = (x: number | null | undefined): string => formatPercent(x ?? Number.NaN);
