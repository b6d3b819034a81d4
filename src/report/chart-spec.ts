/**
 * Declarative chart specifications: what an experiment wants drawn, without saying how.
 * `src/report` renders them with Apache ECharts (SVG, PNG) and writes their data as CSV.
 * Values that are not finite (a diverged loss) are stored as null and drawn as gaps.
 */

export interface AxisSpec {
  label: string;
  /** Logarithmic scale (non-positive values become gaps). */
  log?: boolean;
  min?: number;
  max?: number;
}

export interface LineSeries {
  name: string;
  /** [x, y] pairs; y = null is a gap. */
  points: [number, number | null][];
  /** "theory" curves are drawn dashed without markers; "measured" solid with small markers. */
  role?: "measured" | "theory" | "reference";
  /** Draw markers at the points (default: true for short measured series). */
  markers?: boolean;
  /** Series with the same group share a color (e.g. a measurement and its theory curve). */
  group?: string;
}

/** A vertical (axis "x") or horizontal (axis "y") reference line with a label. */
export interface MarkLine {
  axis: "x" | "y";
  value: number;
  label: string;
}

interface ChartBase {
  /** File-name-safe id, unique within an experiment (e.g. "loss-curves"). */
  id: string;
  title: string;
  /** What to look at, one or two sentences under the chart. */
  caption?: string;
  width?: number;
  height?: number;
}

export interface LineChartSpec extends ChartBase {
  kind: "line";
  x: AxisSpec;
  y: AxisSpec;
  series: LineSeries[];
  markLines?: MarkLine[];
}

/** Grouped bars over categories (e.g. one group per layer, one bar per configuration). */
export interface BarChartSpec extends ChartBase {
  kind: "bar";
  categories: string[];
  xLabel: string;
  y: AxisSpec;
  series: { name: string; values: (number | null)[] }[];
  markLines?: MarkLine[];
}

/**
 * A heatmap: values[row][col] with rows on the y axis (e.g. layers) and columns on the x axis
 * (e.g. steps). With `log`, colors follow log10 of the value. `overlay` curves are drawn in
 * cell coordinates: x = column index, y = row index (fractions allowed).
 */
export interface HeatmapSpec extends ChartBase {
  kind: "heatmap";
  xLabel: string;
  yLabel: string;
  xLabels: string[];
  yLabels: string[];
  values: (number | null)[][];
  valueLabel: string;
  log?: boolean;
  /** Fixed color range (in value units, before log10); default: the data's range. */
  range?: [number, number];
  /** A diverging color scale (blue - white - red) for signed values centred on 0, e.g. a log ratio. */
  diverging?: boolean;
  overlay?: LineSeries[];
}

/**
 * Histograms sharing bin edges, drawn as normalized densities (one curve per series, like the
 * per-layer histograms of Glorot & Bengio 2010, Fig. 3-7).
 */
export interface HistogramSpec extends ChartBase {
  kind: "histogram";
  xLabel: string;
  edges: number[];
  series: { name: string; counts: number[] }[];
  logY?: boolean;
}

export type ChartSpec = LineChartSpec | BarChartSpec | HeatmapSpec | HistogramSpec;

/** null for NaN and infinities. */
export function finiteOrNull(x: number | null | undefined): number | null {
  return x !== null && x !== undefined && Number.isFinite(x) ? x : null;
}
