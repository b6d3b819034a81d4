import { formatPercent, formatSignificant } from "../math/format-number.js";

/** Number formatting for reports, rules and summaries (src/math/format-number.ts). */

/** A number in rules and summaries: 4 significant digits; a value that could not be measured (null) reads "NaN". */
export const fmt = (x: number | null | undefined, digits = 4): string =>
  formatSignificant(x ?? Number.NaN, digits);

/** A fraction as a percentage with one decimal, e.g. 0.9734 -> "97.3%"; null reads "NaN". */
export const pct = (x: number | null | undefined): string => formatPercent(x ?? Number.NaN);
