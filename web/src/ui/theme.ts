/**
 * The lab's colours: blue = forward (pre-activations, activations), orange = backward
 * (gradients); classes get colours that are neither. Scales map log10 magnitudes to colours.
 */
export const BLUE = "#2563eb";
export const BLUE_LIGHT = "#93b4f5";
export const ORANGE = "#ea7317";
export const ORANGE_LIGHT = "#f6b784";
export const INK = "#1f2937";
export const MUTED = "#6b7280";
export const GRID = "#e5e7eb";
export const CLASS_COLORS = [
  "#7c3aed",
  "#059669",
  "#ca8a04",
  "#db2777",
  "#0891b2",
  "#65a30d",
  "#9333ea",
  "#b45309",
  "#475569",
  "#be123c",
];

export type Rgb = [number, number, number];

function hex(c: string): Rgb {
  const n = Number.parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const u = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

export function css(c: Rgb): string {
  return `rgb(${Math.round(c[0])},${Math.round(c[1])},${Math.round(c[2])})`;
}

const WHITE: Rgb = [250, 250, 252];
const RED_DARK: Rgb = [127, 29, 29];

/**
 * A diverging scale on log10 of a ratio to the healthy value: 0 (healthy) is the full hue;
 * toward -span it fades to white (vanishing), toward +span it darkens to deep red (exploding).
 */
export function scaleColor(log10Ratio: number, hue: "blue" | "orange", span = 4): Rgb {
  const base = hex(hue === "blue" ? BLUE : ORANGE);
  if (!Number.isFinite(log10Ratio)) return log10Ratio > 0 ? RED_DARK : WHITE;
  const t = log10Ratio / span;
  return t < 0 ? mix(base, WHITE, -t) : mix(base, RED_DARK, t);
}

/** Sequential scale for heatmaps: white -> orange -> dark brown, t in [0, 1]. */
export function heatColor(t: number): Rgb {
  const stops: Rgb[] = [WHITE, hex(ORANGE_LIGHT), hex(ORANGE), [124, 45, 18], [40, 16, 8]];
  if (!Number.isFinite(t)) return [200, 200, 200];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  return mix(stops[i], stops[i + 1], x - i);
}

/** "1.2e-5", "0.034", "12.5", "3.4e+6": short numbers for labels. */
export function fmt(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞";
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 1e4 || a < 1e-3) return x.toExponential(Math.max(0, digits - 1)).replace("e+", "e");
  return Number(x.toPrecision(digits + 1)).toString();
}

/** Sets a canvas's backing store to its CSS size times the device pixel ratio; returns the context. */
export function fitCanvas(c: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D {
  const r = window.devicePixelRatio || 1;
  if (c.width !== Math.round(cssW * r) || c.height !== Math.round(cssH * r)) {
    c.width = Math.round(cssW * r);
    c.height = Math.round(cssH * r);
    c.style.width = `${cssW}px`;
    c.style.height = `${cssH}px`;
  }
  const ctx = c.getContext("2d")!;
  ctx.setTransform(r, 0, 0, r, 0, 0);
  return ctx;
}

/** WCAG relative luminance of an sRGB colour (0 = black, 1 = white). */
export function luminance(c: Rgb): number {
  const lin = (v: number) => {
    const u = v / 255;
    return u <= 0.03928 ? u / 12.92 : ((u + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** The WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: Rgb, b: Rgb): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** White or ink, whichever reads better on a tile of colour `bg`. */
export function textOn(bg: Rgb): string {
  return contrast(bg, [255, 255, 255]) >= contrast(bg, hex(INK)) ? "white" : INK;
}

/** Gives a chart a text alternative: an image role and a label with its key numbers. */
export function describeChart(el: HTMLElement, label: string): void {
  if (el.getAttribute("role") !== "img") el.setAttribute("role", "img");
  if (el.getAttribute("aria-label") !== label) el.setAttribute("aria-label", label);
}
