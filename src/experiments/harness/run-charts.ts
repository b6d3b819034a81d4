/**
 * Chart specs built from training runs and their probes: loss curves, per-layer bars at one
 * step, heatmaps over (layer, step), histograms per layer. Experiments call these and add
 * their own captions; `src/report` draws them.
 */
import type { LayerProbe, ProbeSnapshot } from "../../probe/index.js";
import type {
  BarChartSpec,
  ChartSpec,
  HeatmapSpec,
  HistogramSpec,
  LineChartSpec,
  MarkLine,
} from "../../report/chart-spec.js";
import { finiteOrNull } from "../../report/chart-spec.js";
import type { ProbedRun } from "./train-run.js";
import type { SeriesSpec, TableSpec } from "./types.js";

/** A per-layer quantity read from a probe (null when not defined for that layer). */
export type LayerMetric = (l: LayerProbe) => number | null;

export const METRICS = {
  preactVar: ((l) => l.preact.var) as LayerMetric,
  actVar: ((l) => l.act.var) as LayerMetric,
  gradVar: ((l) => l.grad.var) as LayerMetric,
  weightGradNorm: ((l) => l.weightGradNorm) as LayerMetric,
  deadFraction: ((l) => l.deadFraction) as LayerMetric,
  inactiveFraction: ((l) => l.inactiveFraction) as LayerMetric,
  saturatedFraction: ((l) => l.saturatedFraction) as LayerMetric,
  slopeMean: ((l) => (l.slopes ? l.slopes.mean : null)) as LayerMetric,
};

/** Layer names as the reports show them: hidden layers 1..L-1 and "out". */
export function layerLabels(n: number, withOutput = true): string[] {
  return Array.from({ length: withOutput ? n : n - 1 }, (_, i) => (i === n - 1 ? "out" : String(i + 1)));
}

export function lossCurveChart(
  id: string,
  title: string,
  runs: ProbedRun[],
  options: { logY?: boolean; caption?: string; yMax?: number } = {},
): LineChartSpec {
  const marks: MarkLine[] = [];
  for (const r of runs) {
    if (r.record.final.diverged && r.record.final.divergedAtStep !== null) {
      marks.push({ axis: "x", value: r.record.final.divergedAtStep, label: `${r.label}: NaN` });
    }
  }
  return {
    kind: "line",
    id,
    title,
    caption: options.caption,
    x: { label: "step" },
    y: { label: "training loss (batch)", log: options.logY, max: options.yMax },
    series: runs.map((r) => ({
      name: r.label,
      markers: false,
      points: r.record.lossCurve.map((p) => [p.step, finiteOrNull(p.loss)] as [number, number | null]),
    })),
    markLines: marks,
  };
}

/** Bars of a per-layer metric at one probe (the first at or after `step`), one series per run. */
export function layerBarChart(
  id: string,
  title: string,
  runs: ProbedRun[],
  metric: LayerMetric,
  yLabel: string,
  options: { step?: number; log?: boolean; caption?: string; hiddenOnly?: boolean } = {},
): BarChartSpec {
  const snaps = runs.map((r) => snapshotAt(r.probes, options.step ?? 0));
  const n = Math.max(...snaps.map((s) => (s ? s.layers.length : 0)));
  const count = options.hiddenOnly ? n - 1 : n;
  return {
    kind: "bar",
    id,
    title,
    caption: options.caption,
    categories: layerLabels(n, !options.hiddenOnly).slice(0, count),
    xLabel: "layer",
    y: { label: yLabel, log: options.log },
    series: runs.map((r, i) => ({
      name: r.label,
      values: Array.from({ length: count }, (_, l) => {
        const layer = snaps[i]?.layers[l];
        return layer ? finiteOrNull(metric(layer)) : null;
      }),
    })),
  };
}

/** A per-layer metric against depth in the network, one line per run (for log-scale flows). */
export function layerLineChart(
  id: string,
  title: string,
  runs: ProbedRun[],
  metric: LayerMetric,
  yLabel: string,
  options: { step?: number; log?: boolean; caption?: string } = {},
): LineChartSpec {
  return {
    kind: "line",
    id,
    title,
    caption: options.caption,
    x: { label: "layer (1 = first hidden)" },
    y: { label: yLabel, log: options.log },
    series: runs.map((r) => {
      const s = snapshotAt(r.probes, options.step ?? 0);
      return {
        name: r.label,
        points: (s?.layers ?? []).map((l, i) => [i + 1, finiteOrNull(metric(l))] as [number, number | null]),
      };
    }),
  };
}

/** Heatmap of a per-layer metric over (layer, probe step) for one run. */
export function layerStepHeatmap(
  id: string,
  title: string,
  run: ProbedRun,
  metric: LayerMetric,
  valueLabel: string,
  options: { log?: boolean; caption?: string; range?: [number, number]; hiddenOnly?: boolean } = {},
): HeatmapSpec {
  const probes = run.probes;
  const all = probes.length ? probes[0].layers.length : 0;
  const n = options.hiddenOnly ? all - 1 : all;
  return {
    kind: "heatmap",
    id,
    title,
    caption: options.caption,
    xLabel: "step",
    yLabel: "layer",
    xLabels: probes.map((p) => String(p.step)),
    yLabels: layerLabels(all).slice(0, n),
    values: Array.from({ length: n }, (_, l) =>
      probes.map((p) => finiteOrNull(metric(p.layers[l]) ?? Number.NaN)),
    ),
    valueLabel,
    log: options.log,
    range: options.range,
  };
}

/** Per-layer histograms of one probe ("act" or "preact" on linear bins; "grad" on log10|g| bins). */
export function layerHistogram(
  id: string,
  title: string,
  snap: ProbeSnapshot,
  which: "act" | "preact" | "grad",
  xLabel: string,
  options: { caption?: string; hiddenOnly?: boolean } = {},
): HistogramSpec {
  const layers = options.hiddenOnly ? snap.layers.slice(0, -1) : snap.layers;
  const first = layers[0].hist[which];
  return {
    kind: "histogram",
    id,
    title,
    caption: options.caption,
    xLabel,
    edges: first.edges,
    series: layers
      .filter((l) => sameEdges(l.hist[which].edges, first.edges))
      .map((l) => ({ name: `layer ${l.index + 1}`, counts: l.hist[which].counts })),
  };
}

function sameEdges(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The first snapshot at or after `step` (the last one if none). */
export function snapshotAt(probes: ProbeSnapshot[], step: number): ProbeSnapshot | undefined {
  return probes.find((p) => p.step >= step) ?? probes[probes.length - 1];
}

/** Every loss curve of the runs as one long CSV series. */
export function lossSeries(id: string, runs: ProbedRun[]): SeriesSpec {
  return {
    id,
    columns: ["run", "step", "loss", "lr", "grad_norm"],
    rows: runs.flatMap((r) => r.record.lossCurve.map((p) => [r.label, p.step, p.loss, p.lr, p.gradNorm])),
  };
}

/** Every probe of the runs, one row per (run, step, layer), as one long CSV series. */
export function probeSeries(id: string, runs: ProbedRun[]): SeriesSpec {
  const rows: (number | string | null)[][] = [];
  for (const r of runs) {
    for (const p of r.probes) {
      for (const l of p.layers) {
        rows.push([
          r.label,
          p.step,
          l.index + 1,
          l.activation,
          finiteOrNull(l.preact.var),
          finiteOrNull(l.act.mean),
          finiteOrNull(l.act.var),
          finiteOrNull(l.grad.var),
          finiteOrNull(l.weightGradNorm),
          finiteOrNull(l.weightNorm),
          l.deadFraction,
          l.inactiveFraction,
          l.saturatedFraction,
          l.slopes ? l.slopes.mean : null,
          l.predicted ? finiteOrNull(l.predicted.preactVar) : null,
          l.predicted?.gradVar !== null && l.predicted?.gradVar !== undefined
            ? finiteOrNull(l.predicted.gradVar)
            : null,
        ]);
      }
    }
  }
  return {
    id,
    columns: [
      "run",
      "step",
      "layer",
      "activation",
      "var_z",
      "mean_a",
      "var_a",
      "var_dL_dz",
      "norm_dL_dW",
      "norm_W",
      "dead_fraction",
      "inactive_fraction",
      "saturated_fraction",
      "prelu_slope_mean",
      "predicted_var_z",
      "predicted_var_dL_dz",
    ],
    rows,
  };
}

/** The final numbers of each run as a table. */
export function finalTable(id: string, title: string, runs: ProbedRun[], caption?: string): TableSpec {
  return {
    id,
    title,
    caption,
    columns: [
      "run",
      "steps",
      "final train loss",
      "test loss",
      "test accuracy",
      "diverged at step",
      "seconds",
    ],
    rows: runs.map((r) => [
      r.label,
      r.record.final.steps,
      r.record.final.trainLoss,
      r.record.final.testLoss,
      r.record.final.testAccuracy,
      r.record.final.divergedAtStep,
      r.record.final.totalSeconds,
    ]),
  };
}

export type { ChartSpec };
