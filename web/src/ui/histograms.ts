import type { Histogram, ProbeView } from "../protocol.js";
import { BLUE, describeChart, fitCanvas, fmt, GRID, INK, MUTED, ORANGE } from "./theme.js";
import { WidthWatch } from "./width-watch.js";

/**
 * Per-layer histograms of the activations (blue, linear axis) or of the back-propagated
 * gradients dL/dz (orange, on a log10|dL/dz| axis, so a vanishing gradient moves left by decades),
 * one ridge per layer (layer 1 at the top) on one common axis: the figures of Glorot & Bengio
 * (2010, Fig. 6-7). Redrawn at every probe, so they animate as training runs.
 */
export class HistogramRidges {
  private readonly canvas = document.createElement("canvas");
  private shown: ProbeView | null = null;
  private readonly size: WidthWatch;

  constructor(
    parent: HTMLElement,
    private readonly kind: "act" | "grad",
    private readonly height = 240,
  ) {
    parent.append(this.canvas);
    describeChart(
      this.canvas,
      `${kind === "act" ? "Activations" : "Gradients"} per layer: waiting for the first probe`,
    );
    this.size = new WidthWatch(parent, () => this.draw());
  }

  update(p: ProbeView | null): void {
    if (p === this.shown) return;
    this.shown = p;
    this.draw();
  }

  private draw(): void {
    const W = Math.max(200, this.size.width);
    const H = this.height;
    const ctx = fitCanvas(this.canvas, W, H);
    ctx.clearRect(0, 0, W, H);
    const p = this.shown;
    if (!p) return;
    const layers = this.kind === "act" ? p.layers.slice(0, -1) : p.layers;
    if (layers.length === 0) return;
    const hists = layers.map((l) => (this.kind === "act" ? l.actHist : l.gradHist));
    const log = hists[0].scale === "log10abs";
    let [lo, hi] = occupiedRange(hists);
    if (!log && lo < 0 && hi > 0 && this.kind === "grad") {
      const m = Math.max(-lo, hi);
      lo = -m;
      hi = m;
    }
    ctx.font = "10px system-ui";
    // the right margin fits the widest "sd ... · 54% 0" label
    const labels = layers.map((l, i) => {
      const v = this.kind === "act" ? l.actVar : l.gradVar;
      const h = hists[i];
      const total = h.counts.reduce((a, b) => a + b, 0) + h.under + h.over + h.zeros;
      const zeros = h.zeros > 0 && total > 0 ? ` · ${Math.round((100 * h.zeros) / total)}% 0` : "";
      return `sd ${fmt(Math.sqrt(v))}${zeros}`;
    });
    const widest = Math.max(...labels.map((t) => ctx.measureText(t).width));
    const left = 34;
    const right = Math.min(Math.max(60, Math.ceil(widest) + 10), W * 0.4);
    const top = 8;
    const bottom = 20;
    const pw = W - left - right;
    const ph = H - top - bottom;
    const n = layers.length;
    // few layers: ridges side by side without overlap; many: overlapping ridges (a joy plot),
    // the first one's peak still inside the canvas
    const ridge = n <= 4 ? (ph / n) * 0.9 : Math.min((ph / n) * 1.6, ph * 0.4);
    const row = n > 1 ? (ph - ridge) / (n - 1) : 0;
    const color = this.kind === "act" ? BLUE : ORANGE;
    const X = (v: number) => left + ((v - lo) / (hi - lo)) * pw;
    ctx.textBaseline = "middle";
    const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(ph / 12))));
    describeChart(
      this.canvas,
      `${this.kind === "act" ? "Activations" : "Gradients dL/dz"} per layer at step ${p.step}: ` +
        layers
          .map((l, i) => `layer ${l.layer === p.layers.length - 1 ? "out" : l.layer} ${labels[i]}`)
          .join("; "),
    );
    for (let i = 0; i < n; i++) {
      const base = top + ridge + i * row;
      ctx.strokeStyle = GRID;
      ctx.beginPath();
      ctx.moveTo(left, base);
      ctx.lineTo(left + pw, base);
      ctx.stroke();
      drawRidge(ctx, hists[i], X, base, ridge, color);
      if (i % labelEvery === 0 || i === n - 1) {
        ctx.fillStyle = MUTED;
        ctx.textAlign = "right";
        ctx.fillText(
          layers[i].layer === p.layers.length - 1 ? "out" : String(layers[i].layer),
          left - 5,
          base - 3,
        );
        ctx.textAlign = "left";
        ctx.fillText(labels[i], left + pw + 6, base - 3);
      }
    }
    ctx.fillStyle = INK;
    ctx.textBaseline = "top";
    const tick = (v: number) => (log ? `1e${Math.round(v)}` : fmt(v));
    ctx.textAlign = "left";
    ctx.fillText(tick(lo), left, top + ph + 5);
    ctx.textAlign = "right";
    ctx.fillText(tick(hi), left + pw, top + ph + 5);
    ctx.textAlign = "center";
    ctx.fillStyle = MUTED;
    // the caption between the two end ticks, shortened (then left out) where they would overlap
    const room = pw - 2 * Math.max(ctx.measureText(tick(lo)).width, ctx.measureText(tick(hi)).width) - 12;
    const captions =
      this.kind === "act"
        ? [`activations a, step ${p.step}`, `step ${p.step}`]
        : [`|dL/dz| (log scale), step ${p.step}`, `|dL/dz|, step ${p.step}`, `step ${p.step}`];
    const caption = captions.find((c) => ctx.measureText(c).width <= room);
    if (caption) ctx.fillText(caption, left + pw / 2, top + ph + 5);
    if (!log && lo < 0 && hi > 0) {
      ctx.strokeStyle = "rgba(0,0,0,0.15)";
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(X(0), top);
      ctx.lineTo(X(0), top + ph);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
}

/** The span of the bins holding any count, over all layers (one bin of margin each side). */
function occupiedRange(hists: Histogram[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const h of hists) {
    const k = h.counts.length;
    const w = (h.hi - h.lo) / k;
    for (let j = 0; j < k; j++) {
      if (h.counts[j] > 0) {
        lo = Math.min(lo, h.lo + (j - 1) * w);
        hi = Math.max(hi, h.lo + (j + 2) * w);
      }
    }
  }
  if (!(hi > lo)) return [hists[0]?.lo ?? -1, hists[0]?.hi ?? 1];
  return [lo, hi];
}

/** One layer's histogram as a filled ridge, its tallest bin `height` pixels above `base`. */
function drawRidge(
  ctx: CanvasRenderingContext2D,
  h: Histogram,
  X: (v: number) => number,
  base: number,
  height: number,
  color: string,
): void {
  const k = h.counts.length;
  let max = 0;
  for (let j = 0; j < k; j++) max = Math.max(max, h.counts[j]);
  if (!(max > 0) || !Number.isFinite(h.lo) || !Number.isFinite(h.hi)) return;
  const w = (h.hi - h.lo) / k;
  ctx.beginPath();
  ctx.moveTo(X(h.lo), base);
  for (let j = 0; j < k; j++) {
    const y = base - (h.counts[j] / max) * height;
    ctx.lineTo(X(h.lo + j * w), y);
    ctx.lineTo(X(h.lo + (j + 1) * w), y);
  }
  ctx.lineTo(X(h.hi), base);
  ctx.closePath();
  ctx.globalAlpha = 0.3;
  ctx.fillStyle = color;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.stroke();
}
