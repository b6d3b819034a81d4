import uPlot from "uplot";
import type { ProbeView } from "../protocol.js";
import { BLUE, describeChart, fmt, GRID, MUTED, ORANGE } from "./theme.js";
import { WidthWatch } from "./width-watch.js";

/**
 * Per-layer variances at the latest probe (uPlot, log scale): measured Var(z) (blue) and
 * Var(dL/dz) (orange) as solid lines with points, the theory's predictions dashed. The notes'
 * "variance flow": flat lines mean neither vanishing nor explosion.
 */
export class VarianceChart {
  private readonly plot: uPlot;
  private shown: ProbeView | null = null;

  constructor(parent: HTMLElement, height = 220) {
    const axis = {
      stroke: MUTED,
      grid: { stroke: GRID, width: 1 },
      ticks: { stroke: GRID },
      font: "11px system-ui",
    };
    this.plot = new uPlot(
      {
        width: Math.max(200, parent.clientWidth),
        height,
        legend: { show: true, live: false },
        // log10 of the variances on a linear scale: uPlot's own log axis draws no ticks past 1e17,
        // which an exploding network reaches in a few layers
        scales: { x: { time: false }, y: { range: decadeRange } },
        axes: [
          {
            ...axis,
            label: "layer",
            labelSize: 14,
            labelFont: "11px system-ui",
            incrs: [1, 2, 5, 10, 20, 50],
          },
          { ...axis, size: 54, splits: logUnitSplits, values: (_u, v) => v.map(powerLabel) },
        ],
        series: [
          { label: "layer" },
          { label: "Var(z)", stroke: BLUE, width: 2, points: { show: true, size: 5, fill: BLUE } },
          { label: "theory", stroke: BLUE, width: 1.5, dash: [6, 4], points: { show: false } },
          { label: "Var(dL/dz)", stroke: ORANGE, width: 2, points: { show: true, size: 5, fill: ORANGE } },
          { label: "theory", stroke: ORANGE, width: 1.5, dash: [6, 4], points: { show: false } },
        ],
      },
      [[], [], [], [], []],
      parent,
    );
    new WidthWatch(parent, (w) => this.plot.setSize({ width: Math.max(200, w), height }));
    describeChart(this.plot.root, "Variance flow: waiting for the first probe");
  }

  update(p: ProbeView | null): void {
    if (p === this.shown) return;
    this.shown = p;
    if (!p) {
      this.plot.setData([[], [], [], [], []]);
      return;
    }
    const L = p.layers;
    describeChart(
      this.plot.root,
      `Variance flow at step ${p.step}, per layer: Var(z) ${L.map((l) => fmt(l.preVar)).join(", ")}` +
        ` (theory ${L.map((l) => fmt(l.predPreVar)).join(", ")}); Var(dL/dz) ${L.map((l) => fmt(l.gradVar)).join(", ")}` +
        ` (theory ${L.map((l) => fmt(l.predGradVar)).join(", ")})`,
    );
    this.plot.setData([
      L.map((l) => l.layer),
      L.map((l) => log10(l.preVar)),
      L.map((l) => log10(l.predPreVar)),
      L.map((l) => log10(l.gradVar)),
      L.map((l) => log10(l.predGradVar)),
    ]);
  }
}

function log10(x: number | null): number | null {
  return x !== null && Number.isFinite(x) && x > 0 ? Math.log10(x) : null;
}

/** The y range in log10 units: whole decades around the data (at least one). */
function decadeRange(_u: uPlot, min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [-1, 1];
  const lo = Math.floor(min);
  const hi = Math.ceil(max);
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

/** Ticks at whole decades, in log10 units (at most about seven). */
export function logUnitSplits(_u: uPlot, _axisIdx: number, min: number, max: number): number[] {
  const lo = Math.ceil(min);
  const hi = Math.floor(max);
  const step = Math.max(1, Math.ceil((hi - lo + 1) / 7));
  const out: number[] = [];
  for (let e = lo; e <= hi; e += step) out.push(e);
  return out;
}

/** "1e-5", "1", "1e12" for a tick at log10 = e. */
function powerLabel(e: number): string {
  return e === 0 ? "1" : `1e${Math.round(e)}`;
}

/** Ticks at whole decades (at most about seven) for a log axis spanning any range. */
export function decadeSplits(u: uPlot, axisIdx: number, min: number, max: number): number[] {
  void u;
  void axisIdx;
  const lo = Math.ceil(Math.log10(min));
  const hi = Math.floor(Math.log10(max));
  if (!(hi > lo)) {
    // less than two decades: four round values in between
    return [0, 1, 2, 3].map((k) => Number((min * (max / min) ** ((k + 0.5) / 4)).toPrecision(2)));
  }
  const step = Math.max(1, Math.ceil((hi - lo + 1) / 7));
  const out: number[] = [];
  for (let e = lo; e <= hi; e += step) out.push(10 ** e);
  return out;
}
