import type { RunSeries } from "../series.js";
import { css, describeChart, fitCanvas, fmt, heatColor, INK, MUTED } from "./theme.js";
import { WidthWatch } from "./width-watch.js";

/**
 * log10 ||dL/dW|| per layer (rows, layer 0 at the top) and probe (columns, time to the right).
 * The cells live in an offscreen canvas at data resolution (one pixel per layer and probe) that
 * is scaled up without smoothing, as TensorFlow Playground draws its heatmaps. New probes only
 * paint their own column; the whole image is repainted when the colour range has to widen
 * (it grows in whole decades, so that is rare) or the series was thinned.
 */
export class GradHeatmap {
  private readonly canvas = document.createElement("canvas");
  private readonly cells = document.createElement("canvas");
  private drawn = -1;
  /** Colour range in decades, and how many probes the offscreen image holds. */
  private lo = 0;
  private hi = 0;
  private painted = 0;
  private firstStep = -1;
  private layers = 0;
  private readonly size: WidthWatch;
  private marked: number | null = null;

  constructor(
    parent: HTMLElement,
    private readonly series: RunSeries,
    private readonly height = 200,
  ) {
    parent.append(this.canvas);
    describeChart(this.canvas, "Gradient norm per layer and step: waiting for the first probe");
    this.size = new WidthWatch(parent, () => {
      this.drawn = -1;
      this.update(this.marked);
    });
  }

  /** Redraws when the series changed; `marked` = the step of a picked probe, drawn as a line. */
  update(marked: number | null = null): void {
    if (this.drawn === this.series.version && marked === this.marked) return;
    this.drawn = this.series.version;
    this.marked = marked;
    const probes = this.series.probes;
    const W = Math.max(200, this.size.width);
    const H = this.height;
    const ctx = fitCanvas(this.canvas, W, H);
    ctx.clearRect(0, 0, W, H);
    const left = 40;
    const right = 64;
    const top = 6;
    const bottom = 22;
    const pw = W - left - right;
    const ph = H - top - bottom;
    ctx.font = "11px system-ui";
    ctx.fillStyle = MUTED;
    if (probes.length === 0) {
      ctx.fillText("the gradient norms appear here as the run is probed", left, top + ph / 2);
      return;
    }
    this.paintCells();
    const L = this.layers;
    const T = probes.length;
    const lastP = probes[T - 1];
    describeChart(
      this.canvas,
      `Gradient norm per layer over ${T} probes, steps ${probes[0].step} to ${lastP.step}; ` +
        `at step ${lastP.step}, ||dL/dW|| per layer: ${lastP.layers.map((l) => fmt(l.weightGradNorm)).join(", ")}`,
    );
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.cells, 0, 0, T, L, left, top, pw, ph);
    if (marked !== null) {
      const i = probes.findIndex((q) => q.step >= marked);
      const x = left + ((Math.max(0, i) + 0.5) / T) * pw;
      ctx.strokeStyle = INK;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + ph);
      ctx.stroke();
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    const every = Math.max(1, Math.ceil(L / Math.floor(ph / 14)));
    for (let l = 0; l < L; l += every)
      ctx.fillText(l === L - 1 ? "out" : String(l), left - 5, top + ((l + 0.5) * ph) / L);
    ctx.save();
    ctx.translate(10, top + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText("layer", 0, 0);
    ctx.restore();
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(`step ${probes[0].step}`, left, top + ph + 5);
    ctx.textAlign = "right";
    ctx.fillText(`step ${probes[T - 1].step}`, left + pw, top + ph + 5);
    const bx = left + pw + 10;
    const grad = ctx.createLinearGradient(0, top, 0, top + ph);
    for (let k = 0; k <= 8; k++) grad.addColorStop(k / 8, css(heatColor(1 - k / 8)));
    ctx.fillStyle = grad;
    ctx.fillRect(bx, top, 10, ph);
    ctx.fillStyle = INK;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(`1e${this.hi}`, bx + 13, top);
    ctx.textBaseline = "bottom";
    ctx.fillText(`1e${this.lo}`, bx + 13, top + ph);
  }

  /** Brings the offscreen cells up to date with the series. */
  private paintCells(): void {
    const probes = this.series.probes;
    const T = probes.length;
    const L = probes[0].layers.length;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let t = this.painted; t < T; t++) {
      for (const layer of probes[t].layers) {
        const v = Math.log10(layer.weightGradNorm);
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    const thinned = this.painted > T || probes[0].step !== this.firstStep || L !== this.layers;
    const widen = Number.isFinite(lo) && (lo < this.lo || hi > this.hi);
    if (thinned || widen || this.painted === 0) {
      if (thinned || this.painted === 0) {
        this.lo = Number.isFinite(lo) ? Math.floor(lo) : -1;
        this.hi = Number.isFinite(hi) ? Math.ceil(hi) : 0;
      }
      if (Number.isFinite(lo)) {
        this.lo = Math.min(this.lo, Math.floor(lo));
        this.hi = Math.max(this.hi, Math.ceil(hi));
      }
      if (this.hi <= this.lo) this.hi = this.lo + 1;
      this.painted = 0;
      this.firstStep = probes[0].step;
      this.layers = L;
    }
    if (this.cells.width < T || this.cells.height !== L) {
      const keep = this.painted > 0 ? this.cells.getContext("2d")!.getImageData(0, 0, this.painted, L) : null;
      this.cells.width = Math.max(64, 2 * T);
      this.cells.height = L;
      if (keep) this.cells.getContext("2d")!.putImageData(keep, 0, 0);
    }
    if (this.painted >= T) return;
    const n = T - this.painted;
    const g = this.cells.getContext("2d")!;
    const img = g.createImageData(n, L);
    for (let t = 0; t < n; t++) {
      const layers = probes[this.painted + t].layers;
      for (let l = 0; l < L; l++) {
        const v = Math.log10(layers[l]?.weightGradNorm ?? Number.NaN);
        const c = heatColor((v - this.lo) / (this.hi - this.lo));
        const o = 4 * (l * n + t);
        img.data[o] = c[0];
        img.data[o + 1] = c[1];
        img.data[o + 2] = c[2];
        img.data[o + 3] = 255;
      }
    }
    g.putImageData(img, this.painted, 0);
    this.painted = T;
  }
}
