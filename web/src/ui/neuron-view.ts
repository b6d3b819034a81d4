import type { UnitsView } from "../protocol.js";
import { h } from "./dom.js";
import { describeChart, fitCanvas, fmt, MUTED } from "./theme.js";
import { WidthWatch } from "./width-watch.js";

/** Negative values and weights (orange) and positive ones (blue), as TensorFlow Playground. */
const NEG: [number, number, number] = [234, 115, 23];
const POS: [number, number, number] = [37, 99, 235];

/** A value in [-1, 1] on the diverging scale: orange, white at 0, blue. */
function diverging(t: number, out: Uint8ClampedArray, at: number): void {
  const x = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  const c = x < 0 ? NEG : POS;
  const a = Math.abs(x);
  out[at] = 255 + (c[0] - 255) * a;
  out[at + 1] = 255 + (c[1] - 255) * a;
  out[at + 2] = 255 + (c[2] - 255) * a;
  out[at + 3] = 255;
}

/** Line widths drawn: |w| relative to the layer's largest, in this many classes. */
const WIDTH_CLASSES = 6;

/** Views made so far (each readout gets its own id). */
let views = 0;

interface Tile {
  col: number;
  unit: number;
  x: number;
  y: number;
}

/**
 * The network unit by unit, as TensorFlow Playground draws it, for small networks on 2-D data
 * (protocol.ts NEURON_VIEW: up to 8 units per hidden layer and 6 hidden layers): every unit is a
 * tile showing what it computes over the data's plane (inputs: the coordinates; hidden units:
 * their activation, coloured from -s to s with s the layer's largest |activation|; outputs: the
 * class probability as 2p - 1), and every weight a line between two tiles, blue when positive and
 * orange when negative, as wide as |w| relative to the layer's largest. Hovering a tile or a line,
 * or moving over the tiles with the arrow keys once the canvas has focus, writes its numbers
 * under the canvas (a live region); the canvas's label summarises the network.
 */
export class NeuronView {
  readonly el: HTMLElement;
  private readonly canvas = document.createElement("canvas");
  private readonly readout = h("div", { class: "neuron-readout", "aria-live": "polite" });
  private readonly size: WidthWatch;
  private units: UnitsView | null = null;
  private tiles: Tile[] = [];
  /** The tiles by column and unit. */
  private at: Tile[][] = [];
  private tile = 30;
  private selected: { col: number; unit: number } | null = null;
  private hoverLine: { layer: number; from: number; to: number } | null = null;
  private off: HTMLCanvasElement | null = null;
  private image: ImageData | null = null;
  private readonly drawTimes = new Float64Array(32);
  private drawn = 0;

  constructor(
    parent: HTMLElement,
    private sizes: number[],
    private readonly activations: string,
  ) {
    this.canvas.className = "neuron-canvas";
    this.canvas.tabIndex = 0;
    this.canvas.dataset.testid = "neuron-view";
    const readoutId = `neuron-readout-${++views}`;
    this.readout.id = readoutId;
    this.canvas.setAttribute("aria-describedby", readoutId);
    describeChart(this.canvas, "Network, unit by unit: waiting for the first pass over the plane");
    this.el = h(
      "div",
      { class: "neuron-view" },
      this.canvas,
      this.readout,
      h(
        "div",
        { class: "legend" },
        h("span", { class: "fwd" }, "▬ weight > 0"),
        h("span", { class: "neg" }, "▬ weight < 0"),
        h("span", {}, "tiles: each unit over the plane (hover, or focus and arrow keys)"),
      ),
    );
    parent.append(this.el);
    this.size = new WidthWatch(parent, () => this.draw());
    this.canvas.addEventListener("mousemove", (e) => this.hover(e.offsetX, e.offsetY));
    this.canvas.addEventListener("mouseleave", () => {
      this.hoverLine = null;
      this.draw();
    });
    this.canvas.addEventListener("keydown", (e) => this.key(e));
    this.canvas.addEventListener("focus", () => {
      if (!this.selected) this.select({ col: 1, unit: 0 });
    });
  }

  update(units: UnitsView | null): void {
    if (units === this.units) return;
    this.units = units;
    this.draw();
    if (this.selected) this.describeSelected();
  }

  private layout(W: number): { H: number; cols: number } {
    const cols = this.sizes.length;
    const most = Math.max(...this.sizes);
    const colW = (W - 8) / cols;
    this.tile = Math.max(14, Math.min(34, Math.floor(colW * 0.5)));
    const pitch = this.tile + 8;
    const H = 20 + most * pitch;
    this.tiles = [];
    for (let c = 0; c < cols; c++) {
      const n = this.sizes[c];
      const x = 4 + c * colW + (colW - this.tile) / 2;
      const y0 = 18 + ((most - n) * pitch) / 2;
      for (let u = 0; u < n; u++) this.tiles.push({ col: c, unit: u, x, y: y0 + u * pitch });
    }
    this.at = this.sizes.map((_, c) => this.tiles.filter((t) => t.col === c));
    // where the tiles are, for tests and tools (CSS pixels)
    this.canvas.dataset.tile = String(this.tile);
    this.canvas.dataset.tiles = this.tiles.map((t) => `${t.col}.${t.unit}:${t.x},${t.y}`).join(" ");
    return { H, cols };
  }

  private tileOf(col: number, unit: number): Tile | undefined {
    return this.at[col]?.[unit];
  }

  private draw(): void {
    const t0 = performance.now();
    this.paint();
    // the median of the last draws' times, for the frame-time test
    this.drawTimes[this.drawn++ % this.drawTimes.length] = performance.now() - t0;
    const kept = this.drawTimes.slice(0, Math.min(this.drawn, this.drawTimes.length)).sort((x, y) => x - y);
    this.canvas.dataset.drawMs = kept[kept.length >> 1].toFixed(2);
  }

  private paint(): void {
    const W = Math.max(200, this.size.width);
    const { H, cols } = this.layout(W);
    const ctx = fitCanvas(this.canvas, W, H);
    ctx.clearRect(0, 0, W, H);
    const T = this.tile;
    ctx.font = "11px system-ui";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = MUTED;
    for (let c = 0; c < cols; c++) {
      const t = this.tileOf(c, 0);
      if (t) ctx.fillText(c === 0 ? "in" : c === cols - 1 ? "out" : String(c), t.x + T / 2, 8);
    }
    const u = this.units;
    if (u) {
      // weights first, under the tiles; one path per sign and width class (a few strokes, not one per weight)
      const T2 = T / 2;
      for (let l = 0; l < u.weights.length; l++) {
        const w = u.weights[l];
        const nIn = this.sizes[l];
        let max = 0;
        for (const v of w) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
        for (let sign = 0; sign < 2; sign++) {
          for (let k = 0; k < WIDTH_CLASSES; k++) {
            ctx.beginPath();
            let any = false;
            for (let j = 0; j < this.sizes[l + 1]; j++) {
              const b = this.at[l + 1][j];
              for (let i = 0; i < nIn; i++) {
                const v = w[j * nIn + i];
                if (!Number.isFinite(v) || (v < 0 ? 0 : 1) !== sign) continue;
                const cls = Math.min(
                  WIDTH_CLASSES - 1,
                  Math.floor((WIDTH_CLASSES * Math.abs(v)) / (max || 1)),
                );
                if (cls !== k) continue;
                const a = this.at[l][i];
                ctx.moveTo(a.x + T, a.y + T2);
                ctx.lineTo(b.x, b.y + T2);
                any = true;
              }
            }
            if (!any) continue;
            ctx.strokeStyle = `rgba(${(sign === 0 ? NEG : POS).join(",")},0.75)`;
            ctx.lineWidth = 0.4 + (3.6 * (k + 0.5)) / WIDTH_CLASSES;
            ctx.stroke();
          }
        }
      }
      const hot = this.hoverLine;
      if (hot) {
        const a = this.at[hot.layer][hot.from];
        const b = this.at[hot.layer + 1][hot.to];
        const v = u.weights[hot.layer][hot.to * this.sizes[hot.layer] + hot.from];
        ctx.strokeStyle = `rgb(${(v < 0 ? NEG : POS).join(",")})`;
        ctx.lineWidth = 4;
        ctx.beginPath();
        ctx.moveTo(a.x + T, a.y + T2);
        ctx.lineTo(b.x, b.y + T2);
        ctx.stroke();
      }
      this.paintMaps(ctx, u);
    }
    for (const t of this.tiles) {
      const sel = this.selected?.col === t.col && this.selected.unit === t.unit;
      ctx.strokeStyle = sel ? "#111827" : "#9ca3af";
      ctx.lineWidth = sel ? 2.5 : 1;
      ctx.strokeRect(t.x - 0.5, t.y - 0.5, T + 1, T + 1);
    }
    this.describe();
  }

  /** Every unit's map: one ImageData (a strip of m x m cells), drawn scaled into the tiles. */
  private paintMaps(ctx: CanvasRenderingContext2D, u: UnitsView): void {
    const m = u.m;
    const total = this.sizes.reduce((a, b) => a + b, 0);
    if (!this.off || !this.image || this.image.width !== m * total || this.image.height !== m) {
      this.off = document.createElement("canvas");
      this.off.width = m * total;
      this.off.height = m;
      this.image = new ImageData(m * total, m);
    }
    const px = this.image.data;
    let k = 0;
    for (let c = 0; c < this.sizes.length; c++) {
      const maps = u.maps[c];
      const s = u.scales[c] || 1;
      for (let unit = 0; unit < this.sizes[c]; unit++, k++) {
        for (let r = 0; r < m; r++) {
          // row 0 of a map is the bottom of the plane: drawn at the bottom
          for (let q = 0; q < m; q++)
            diverging(maps[unit * m * m + r * m + q] / s, px, 4 * ((m - 1 - r) * m * total + k * m + q));
        }
      }
    }
    this.off.getContext("2d")!.putImageData(this.image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    k = 0;
    for (let c = 0; c < this.sizes.length; c++)
      for (let unit = 0; unit < this.sizes[c]; unit++, k++) {
        const t = this.tileOf(c, unit)!;
        ctx.drawImage(this.off, k * m, 0, m, m, t.x, t.y, this.tile, this.tile);
      }
  }

  /** The canvas's label: the shape, the step and each layer's weight scale. */
  private describe(): void {
    const u = this.units;
    const shape = this.sizes.join("-");
    if (!u) return;
    const rms = u.weights.map((w) => Math.sqrt(w.reduce((a, v) => a + v * v, 0) / (w.length || 1)));
    describeChart(
      this.canvas,
      `Network ${shape} unit by unit at step ${u.step} (${this.activations}). ` +
        `RMS weight per layer: ${rms.map((r) => fmt(r)).join(", ")}. ` +
        `Largest |activation| per hidden layer: ${u.scales
          .slice(1, -1)
          .map((s) => fmt(s))
          .join(", ")}. ` +
        "Focus and use the arrow keys to read each unit.",
    );
  }

  private select(s: { col: number; unit: number }): void {
    const cols = this.sizes.length;
    const col = Math.max(0, Math.min(cols - 1, s.col));
    const unit = Math.max(0, Math.min(this.sizes[col] - 1, s.unit));
    this.selected = { col, unit };
    this.hoverLine = null;
    this.draw();
    this.describeSelected();
  }

  private describeSelected(): void {
    const s = this.selected;
    const u = this.units;
    if (!s) return;
    const cols = this.sizes.length;
    const name =
      s.col === 0
        ? `input ${s.unit + 1}`
        : s.col === cols - 1
          ? `output ${s.unit + 1}`
          : `layer ${s.col}, unit ${s.unit + 1}`;
    if (!u) {
      this.readout.textContent = name;
      return;
    }
    const m = u.m;
    const map = u.maps[s.col].subarray(s.unit * m * m, (s.unit + 1) * m * m);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of map) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const what = s.col === 0 ? "value" : s.col === cols - 1 ? "2p - 1" : "activation";
    let text = `${name}: ${what} over the plane from ${fmt(lo)} to ${fmt(hi)}`;
    if (s.col > 0) {
      const l = s.col - 1;
      const nIn = this.sizes[l];
      const w = Array.from(u.weights[l].subarray(s.unit * nIn, (s.unit + 1) * nIn));
      text += `; bias ${fmt(u.biases[l][s.unit])}; weights in: ${w.map((v) => fmt(v)).join(", ")}`;
    }
    this.readout.textContent = `${text}.`;
  }

  private key(e: KeyboardEvent): void {
    const s = this.selected ?? { col: 1, unit: 0 };
    const moves: Record<string, [number, number]> = {
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
    };
    const d = moves[e.key];
    if (!d) return;
    e.preventDefault();
    e.stopPropagation();
    this.select({ col: s.col + d[0], unit: s.unit + d[1] });
  }

  private hover(x: number, y: number): void {
    const T = this.tile;
    const t = this.tiles.find((q) => x >= q.x && x <= q.x + T && y >= q.y && y <= q.y + T);
    if (t) {
      this.select({ col: t.col, unit: t.unit });
      return;
    }
    const u = this.units;
    if (!u) return;
    let best: { layer: number; from: number; to: number; d: number } | null = null;
    for (let l = 0; l < u.weights.length; l++)
      for (let j = 0; j < this.sizes[l + 1]; j++)
        for (let i = 0; i < this.sizes[l]; i++) {
          const a = this.tileOf(l, i);
          const b = this.tileOf(l + 1, j);
          if (!a || !b) continue;
          const d = segmentDistance(x, y, a.x + T, a.y + T / 2, b.x, b.y + T / 2);
          if (d < 4 && (!best || d < best.d)) best = { layer: l, from: i, to: j, d };
        }
    const same =
      best?.layer === this.hoverLine?.layer &&
      best?.from === this.hoverLine?.from &&
      best?.to === this.hoverLine?.to;
    if (same) return;
    this.hoverLine = best ? { layer: best.layer, from: best.from, to: best.to } : null;
    this.draw();
    if (best) {
      const w = u.weights[best.layer][best.to * this.sizes[best.layer] + best.from];
      const from = best.layer === 0 ? `input ${best.from + 1}` : `layer ${best.layer} unit ${best.from + 1}`;
      const to =
        best.layer === u.weights.length - 1
          ? `output ${best.to + 1}`
          : `layer ${best.layer + 1} unit ${best.to + 1}`;
      this.readout.textContent = `weight from ${from} to ${to}: ${fmt(w)}.`;
    }
  }
}

/** Distance from (px, py) to the segment (ax, ay)-(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy || 1;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}
