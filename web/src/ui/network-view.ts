import { NEURON_VIEW, type ProbeView, type UnitsView } from "../protocol.js";
import { h } from "./dom.js";
import { NeuronView } from "./neuron-view.js";
import { css, describeChart, fitCanvas, fmt, MUTED, scaleColor, textOn } from "./theme.js";
import { WidthWatch } from "./width-watch.js";

/**
 * The network. A small network on 2-D data (protocol.ts NEURON_VIEW: at most 8 units in each of
 * at most 6 hidden layers) is drawn unit by unit (neuron-view.ts); any other as a row of layers.
 * The per-layer view: a row of layers. Each layer has a blue tile coloured by its forward scale,
 * log10 Var(z) (healthy near 1: full blue; vanishing fades to white; exploding darkens to red),
 * and an orange tile coloured by its backward scale, log10 of Var(dL/dz) relative to the output
 * layer's. A grey bar under each layer shows the fraction of dead (or saturated) units.
 */
export class NetworkView {
  private readonly canvas = document.createElement("canvas");
  private shown: ProbeView | null = null;
  private sizes: number[] = [];
  private readonly size: WidthWatch;
  private readonly perLayer: HTMLElement;
  private neurons: NeuronView | null = null;

  constructor(
    private readonly parent: HTMLElement,
    private readonly height = 150,
  ) {
    this.canvas.className = "network-canvas";
    describeChart(this.canvas, "Network: waiting for the first probe");
    // the legend is text under the canvas, so it wraps on a narrow screen
    this.perLayer = h(
      "div",
      { class: "per-layer-view" },
      this.canvas,
      h(
        "div",
        { class: "legend" },
        h("span", { class: "fwd" }, "■ Var(z) forward"),
        h("span", { class: "bwd" }, "■ Var(dL/dz) ÷ output layer's"),
        h("span", {}, "▬ dead or saturated"),
        h(
          "span",
          {},
          `unit by unit for up to ${NEURON_VIEW.maxUnits} units in each of up to ${NEURON_VIEW.maxLayers} hidden layers on 2-D data`,
        ),
      ),
    );
    parent.append(this.perLayer);
    this.size = new WidthWatch(parent, () => this.draw());
  }

  /** The network's sizes (input, hidden..., output); `unitByUnit` (the worker's choice): drawn unit by unit. */
  setSizes(sizes: number[], unitByUnit = false, activation = ""): void {
    this.sizes = sizes;
    if (unitByUnit && !this.neurons) {
      this.neurons = new NeuronView(this.parent, sizes, activation);
      this.perLayer.hidden = true;
      const hint = this.parent.parentElement?.querySelector("h3 small");
      if (hint) hint.textContent = "unit by unit · blue > 0 > orange";
    }
    this.draw();
  }

  update(p: ProbeView | null, units: UnitsView | null = null): void {
    this.neurons?.update(units);
    if (p === this.shown) return;
    this.shown = p;
    this.draw();
  }

  private draw(): void {
    if (this.neurons) return;
    const W = Math.max(200, this.size.width);
    const H = this.height;
    const ctx = fitCanvas(this.canvas, W, H);
    ctx.clearRect(0, 0, W, H);
    const p = this.shown;
    const L = p ? p.layers.length : Math.max(0, this.sizes.length - 1);
    if (L === 0) return;
    const cols = L + 1;
    const gap = Math.min(14, (W / cols) * 0.25);
    const cw = (W - 8 - gap * (cols - 1)) / cols;
    const tileH = (H - 28) / 2;
    const top = 16;
    const big = cw >= 44;
    ctx.font = "11px system-ui";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const lastGrad = p ? p.layers[L - 1].gradVar : Number.NaN;
    for (let c = 0; c < cols; c++) {
      const x = 4 + c * (cw + gap);
      const width = this.sizes[c] ?? (p && c > 0 ? p.layers[c - 1].fanOut : p?.layers[0].fanIn);
      ctx.fillStyle = MUTED;
      const label =
        c === 0
          ? "in"
          : c === cols - 1
            ? "out"
            : big || (c - 1) % Math.ceil(cols / 12) === 0
              ? String(c - 1)
              : "";
      ctx.fillText(label, x + cw / 2, 7);
      if (c === 0) {
        ctx.strokeStyle = MUTED;
        ctx.strokeRect(x + 0.5, top + 0.5, cw - 1, 2 * tileH + 2);
        if (big) ctx.fillText(String(width ?? ""), x + cw / 2, top + tileH + 1);
        continue;
      }
      const l = p?.layers[c - 1];
      const fwd = l ? Math.log10(l.preVar) : Number.NaN;
      const bwd = l ? Math.log10(l.gradVar / lastGrad) : Number.NaN;
      const fwdColor = scaleColor(fwd, "blue");
      const bwdColor = scaleColor(bwd, "orange");
      ctx.fillStyle = l ? css(fwdColor) : "#eef2ff";
      ctx.fillRect(x, top, cw, tileH);
      ctx.fillStyle = l ? css(bwdColor) : "#fff7ed";
      ctx.fillRect(x, top + tileH + 2, cw, tileH);
      if (l && big) {
        ctx.fillStyle = textOn(fwdColor);
        ctx.fillText(fmt(l.preVar), x + cw / 2, top + tileH / 2);
        ctx.fillStyle = textOn(bwdColor);
        ctx.fillText(`×${fmt(l.gradVar / lastGrad)}`, x + cw / 2, top + tileH * 1.5 + 2);
      }
      // dead / saturated bar
      const bad = l ? Math.max(l.dead ?? 0, l.saturated ?? 0) : 0;
      const by = top + 2 * tileH + 6;
      ctx.fillStyle = "#e5e7eb";
      ctx.fillRect(x, by, cw, 5);
      ctx.fillStyle = "#4b5563";
      ctx.fillRect(x, by, cw * bad, 5);
      if (c < cols - 1 && gap >= 6) {
        ctx.fillStyle = MUTED;
        ctx.fillText("›", x + cw + gap / 2, top + tileH);
      }
    }
    if (p)
      describeChart(
        this.canvas,
        `Network at step ${p.step}, ${L} layers. Var(z) per layer: ${p.layers.map((l) => fmt(l.preVar)).join(", ")}. ` +
          `Var(dL/dz) relative to the output layer: ${p.layers.map((l) => fmt(l.gradVar / lastGrad)).join(", ")}. ` +
          `Dead or saturated: ${p.layers.map((l) => `${Math.round(100 * Math.max(l.dead ?? 0, l.saturated ?? 0))}%`).join(", ")}.`,
      );
  }
}
