import uPlot from "uplot";
import type { RunSeries } from "../series.js";
import { CLASS_COLORS, describeChart, fmt, GRID, INK, MUTED } from "./theme.js";
import { decadeSplits } from "./variance-chart.js";
import { WidthWatch } from "./width-watch.js";

const MAX_POINTS = 3000;

/**
 * Loss and accuracy against the step (uPlot): the batch loss (faint), its moving average, the
 * test loss and the test accuracy at every probe (right axis). Redraws at most once a frame.
 */
export class LossChart {
  private readonly plot: uPlot;
  private drawn = -1;

  constructor(
    parent: HTMLElement,
    private readonly series: RunSeries,
    height = 200,
  ) {
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
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false }, loss: { distr: 3 }, acc: { range: [0, 1] } },
        axes: [
          { ...axis, label: "step", labelSize: 14, labelFont: "11px system-ui" },
          {
            ...axis,
            scale: "loss",
            label: "loss",
            labelSize: 14,
            labelFont: "11px system-ui",
            size: 56,
            splits: decadeSplits,
            filter: (_u, s) => s,
            values: (_u, v) => v.map((x) => fmt(x, 1)),
          },
          {
            ...axis,
            scale: "acc",
            side: 1,
            grid: { show: false },
            size: 36,
            values: (_u, v) => v.map((x) => `${Math.round(x * 100)}%`),
          },
        ],
        series: [
          { label: "step" },
          {
            label: "batch loss",
            scale: "loss",
            stroke: "rgba(31,41,55,0.18)",
            width: 1,
            points: { show: false },
          },
          { label: "loss (avg)", scale: "loss", stroke: INK, width: 1.5, points: { show: false } },
          {
            label: "test loss",
            scale: "loss",
            stroke: CLASS_COLORS[0],
            width: 1.5,
            spanGaps: true,
            points: { show: true, size: 4 },
          },
          {
            label: "test acc",
            scale: "acc",
            stroke: CLASS_COLORS[1],
            width: 1.5,
            spanGaps: true,
            points: { show: true, size: 4 },
          },
        ],
      },
      [[], [], [], [], []],
      parent,
    );
    new WidthWatch(parent, (w) => this.plot.setSize({ width: Math.max(200, w), height }));
    describeChart(this.plot.root, "Loss and accuracy: no step trained yet");
  }

  /** Rebuilds the aligned arrays from the series when it changed. */
  update(): void {
    if (this.drawn === this.series.version) return;
    this.drawn = this.series.version;
    const steps = this.series.steps.view();
    const losses = this.series.losses.view();
    const smooth = this.series.smoothedLoss();
    const n = steps.length;
    const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
    const xs: number[] = [];
    const raw: (number | null)[] = [];
    const avg: (number | null)[] = [];
    for (let i = 0; i < n; i += stride) {
      xs.push(steps[i]);
      raw.push(pos(losses[i]));
      avg.push(pos(smooth[i]));
    }
    if (n > 0 && (n - 1) % stride !== 0) {
      xs.push(steps[n - 1]);
      raw.push(pos(losses[n - 1]));
      avg.push(pos(smooth[n - 1]));
    }
    const tl: (number | null)[] = new Array(xs.length).fill(null);
    const ta: (number | null)[] = new Array(xs.length).fill(null);
    let j = 0;
    for (const p of this.series.probes) {
      if (p.testLoss === null && p.testAccuracy === null) continue;
      while (j + 1 < xs.length && xs[j + 1] <= p.step) j++;
      if (xs.length === 0) break;
      if (p.step === 0 && xs[0] !== 0) continue;
      tl[j] = pos(p.testLoss);
      ta[j] = p.testAccuracy;
    }
    this.plot.setData([xs, raw, avg, tl, ta]);
    const tested = this.series.probes.filter((p) => p.testAccuracy !== null || p.testLoss !== null);
    const lastProbe = tested[tested.length - 1];
    describeChart(
      this.plot.root,
      n === 0
        ? "Loss and accuracy: no step trained yet"
        : `Loss and accuracy after ${steps[n - 1]} steps: batch loss ${fmt(losses[n - 1], 3)}, moving average ${fmt(smooth[n - 1], 3)}` +
            (lastProbe
              ? `; at step ${lastProbe.step} test loss ${fmt(lastProbe.testLoss, 3)}, test accuracy ${lastProbe.testAccuracy === null ? "–" : `${(100 * lastProbe.testAccuracy).toFixed(1)}%`}`
              : ""),
    );
  }
}

function pos(x: number | null): number | null {
  return x !== null && Number.isFinite(x) && x > 0 ? x : null;
}
