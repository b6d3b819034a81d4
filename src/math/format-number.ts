/**
 * The project's number formats for text (reports, summaries, the CLI, the doctor's tables): one
 * module, so that a number reads the same everywhere and the edge cases are handled once. Every
 * format takes a missing value (null or undefined) as "-", NaN as "NaN" and the infinities as
 * "Inf" and "-Inf" (never "x10^-Infinity" or "Infinity%"), and writes exponents as "e-4" / "e5".
 */

type MaybeNumber = number | null | undefined;

/** The text of a value no format applies to: "-" (missing), "NaN", "Inf", "-Inf"; null for a finite number. */
function special(x: MaybeNumber): string | null {
  if (x === null || x === undefined) return "-";
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Inf" : "-Inf";
  return null;
}

/** e-notation without the "+" of positive exponents: 1.23e-4, 4.5e5. */
function exponential(x: number, decimals: number): string {
  return x.toExponential(decimals).replace("e+", "e");
}

/**
 * `digits` significant digits, trailing zeros dropped (0.01235, 12.5); e-notation with digits - 1
 * decimals outside [1e-3, 1e5) ("1.230e-4"); whole numbers below 1e12 exactly, with thousands
 * separators ("123,456").
 */
export function formatSignificant(x: MaybeNumber, digits = 4): string {
  const s = special(x);
  if (s !== null) return s;
  const v = x as number;
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e12) return v.toLocaleString("en-US");
  if (a >= 1e5 || a < 1e-3) return exponential(v, digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/** Always e-notation with `decimals` decimals ("1.23e-4", "5.00e0"), and "0" for zero. */
export function formatScientific(x: MaybeNumber, decimals = 2): string {
  const s = special(x);
  if (s !== null) return s;
  return x === 0 ? "0" : exponential(x as number, decimals);
}

/** A fixed number of decimals: 0.0812 -> "0.081" (3). */
export function formatFixed(x: MaybeNumber, decimals: number): string {
  return special(x) ?? (x as number).toFixed(decimals);
}

/** A fraction as a percentage with `decimals` decimals: 0.9734 -> "97.3%". */
export function formatPercent(fraction: MaybeNumber, decimals = 1): string {
  return special(fraction) ?? `${(100 * (fraction as number)).toFixed(decimals)}%`;
}

/**
 * A positive factor as a power of ten, "10^-4.2" (log10 with `decimals` decimals); 0 reads "0",
 * an infinite factor "Inf", a negative or NaN one "NaN".
 */
export function formatPowerOfTen(factor: MaybeNumber, decimals = 1): string {
  if (factor === 0) return "0";
  const s = special(factor);
  if (s !== null) return s;
  return (factor as number) < 0 ? "NaN" : `10^${Math.log10(factor as number).toFixed(decimals)}`;
}
