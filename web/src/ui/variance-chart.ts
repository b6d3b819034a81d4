import uPlot from "uplot";
import type { ProbeView } from "../protocol.js";
import { BLUE, GRID, MUTED, ORANGE } from "./theme.js";
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
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [
          {
            ...axis,
            label: "layer",
            labelSize: 14,
            labelFont: "11px system-ui",
            incrs: [1, 2, 5, 10, 20, 50],
          },
          { ...axis, size: 54, splits: decadeSplits, filter: (_u, s) => s, values: (_u, v) => v.map(exp10) },
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
  }

  update(p: ProbeView | null): void {
    if (p === this.shown) return;
    this.shown = p;
    if (!p) {
      this.plot.setData([[], [], [], [], []]);
      return;
    }
    const L = p.layers;
    this.plot.setData([
      L.map((l) => l.layer),
      L.map((l) => pos(l.preVar)),
      L.map((l) => pos(l.predPreVar)),
      L.map((l) => pos(l.gradVar)),
      L.map((l) => pos(l.predGradVar)),
    ]);
  }
}

function pos(x: number | null): number | null {
  return x !== null && Number.isFinite(x) && x > 0 ? x : null;
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

function exp10(x: number | null): string {
  if (x === null || !(x > 0)) return "";
  const e = Math.round(Math.log10(x));
  return Math.abs(Math.log10(x) - e) < 1e-6 ? (e === 0 ? "1" : `1e${e}`) : x.toPrecision(2);
}
