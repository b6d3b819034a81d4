import { formatSignificant } from "../math/format-number.js";

/**
 * A horizontal bar chart for the terminal: one labelled bar per value, scaled so the largest
 * magnitude fills `width` characters (eighth-block characters for the fractional end). Missing
 * values print as "(none)". Negative values are drawn with "-" instead of blocks.
 */
export function formatBars(
  items: { label: string; value: number | null; note?: string }[],
  width = 40,
): string {
  const max = Math.max(
    0,
    ...items.map((i) => (i.value !== null && Number.isFinite(i.value) ? Math.abs(i.value) : 0)),
  );
  const labelWidth = Math.max(0, ...items.map((i) => i.label.length));
  const lines = items.map((i) => {
    const label = i.label.padEnd(labelWidth);
    if (i.value === null || !Number.isFinite(i.value))
      return `${label} | (none)${i.note ? ` ${i.note}` : ""}`;
    const len = max > 0 ? (Math.abs(i.value) / max) * width : 0;
    const bar = i.value < 0 ? "-".repeat(Math.round(len)) : blocks(len);
    return `${label} | ${bar} ${formatSignificant(i.value)}${i.note ? ` ${i.note}` : ""}`;
  });
  return `${lines.join("\n")}\n`;
}

const EIGHTHS = ["", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589"];

function blocks(len: number): string {
  const whole = Math.floor(len);
  const frac = Math.round((len - whole) * 8);
  return "\u2588".repeat(whole) + (frac === 8 ? "\u2588" : EIGHTHS[frac]);
}
