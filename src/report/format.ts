/** Number formatting for reports, rules and summaries. */

/** Compact number formatting for rules and summaries: 4 significant digits, exponent outside 1e-3..1e5. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Inf" : "-Inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e12) return x.toLocaleString("en-US");
  if (a >= 1e5 || a < 1e-3) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** A fraction as a percentage with one decimal, e.g. 0.9734 -> "97.3%". */
export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "NaN";
  return `${(100 * x).toFixed(1)}%`;
}
