/**
 * Chart specs (src/experiments/chart-spec.ts) to Apache ECharts options. One place decides the
 * look of every chart: fonts, palette, axes, legends, theory curves dashed, gaps for NaN.
 */
import type {
  AxisSpec,
  BarChartSpec,
  ChartSpec,
  HeatmapSpec,
  HistogramSpec,
  LineChartSpec,
  LineSeries,
  MarkLine,
} from "./chart-spec.js";

export const FONT = "Liberation Sans, Arial, Helvetica, sans-serif";
/** Colorblind-friendly palette (Okabe & Ito 2008), then a few extra tones. */
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
  "#8C564B",
  "#7F7F7F",
  "#BCBD22",
  "#17BECF",
  "#9467BD",
];
/** Sequential color ramp for heatmaps (viridis, sampled). */
export const RAMP = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
/** Diverging ramp for signed values centred on 0 (ColorBrewer RdBu, reversed: blue < 0 < red). */
export const DIVERGING = ["#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b"];

export const DEFAULT_SIZE = { width: 760, height: 420 };

type Option = Record<string, unknown>;

export function chartSize(spec: ChartSpec): { width: number; height: number } {
  return { width: spec.width ?? DEFAULT_SIZE.width, height: spec.height ?? DEFAULT_SIZE.height };
}

export function toEChartsOption(spec: ChartSpec): Option {
  switch (spec.kind) {
    case "line":
      return lineOption(spec);
    case "bar":
      return barOption(spec);
    case "heatmap":
      return heatmapOption(spec);
    case "histogram":
      return histogramOption(spec);
  }
}

/** Rows a plain legend of these names takes at this chart width (about 6 px per 11 px character, 40 px per item). */
export function legendRows(names: string[], width: number): number {
  if (names.length === 0) return 0;
  let rows = 1;
  let x = 0;
  for (const n of names) {
    const w = 40 + 6 * n.length;
    if (x > 0 && x + w > width - 60) {
      rows++;
      x = 0;
    }
    x += w;
  }
  return rows;
}

function base(spec: ChartSpec, legendNames: string[]): Option {
  const rows = legendRows(legendNames, chartSize(spec).width);
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT },
    color: PALETTE,
    title: { text: spec.title, left: "center", top: 6, textStyle: { fontSize: 14, fontWeight: "bold" } },
    grid: { left: 78, right: 28, top: 44 + 20 * rows, bottom: 56, containLabel: false },
  };
}

function legend(names: string[]): Option {
  return { type: "plain", top: 28, left: "center", data: names, textStyle: { fontSize: 11 }, itemHeight: 10 };
}

function axis(a: AxisSpec, type: "x" | "y"): Option {
  const o: Option = {
    type: a.log ? "log" : "value",
    name: a.label,
    nameLocation: "middle",
    nameGap: type === "x" ? 30 : 56,
    nameTextStyle: { fontSize: 12 },
    scale: !a.log,
    axisLabel: { fontSize: 11, formatter: tick },
    splitLine: { lineStyle: { color: "#e6e6e6" } },
  };
  if (a.min !== undefined) o.min = a.min;
  if (a.max !== undefined) o.max = a.max;
  if (a.log && a.min !== undefined && a.max !== undefined && a.min > 0) {
    // ECharts picks too coarse a step on wide log ranges; its `interval` counts decades here.
    o.interval = Math.max(1, Math.ceil(Math.log10(a.max / a.min) / 8 - 1e-9));
  }
  return o;
}

/** Axis tick labels: plain for ordinary magnitudes, 1e-5 style otherwise. */
export function tick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const e = Math.floor(Math.log10(a));
    const m = v / 10 ** e;
    return Math.abs(m - Math.round(m)) < 1e-9 && Math.round(m) === 1 ? `1e${e}` : `${+m.toPrecision(2)}e${e}`;
  }
  return String(+v.toPrecision(4));
}

/** Colors for series: members of the same group share a color (measured solid, theory dashed). */
function colorsFor(series: { name: string; group?: string }[]): string[] {
  const groups = new Map<string, string>();
  return series.map((s) => {
    const key = s.group ?? s.name;
    if (!groups.has(key)) groups.set(key, PALETTE[groups.size % PALETTE.length]);
    return groups.get(key)!;
  });
}

/** Decade-aligned [min, max] of the positive finite values (for log axes), or null if none. */
export function logExtent(values: Iterable<number | null>): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v !== null && Number.isFinite(v) && v > 0) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return null;
  const a = Math.floor(Math.log10(lo) + 1e-9);
  let b = Math.ceil(Math.log10(hi) - 1e-9);
  if (b <= a) b = a + 1;
  return [a, b];
}

function yValue(v: number | null, log: boolean | undefined): number | string {
  if (v === null || !Number.isFinite(v)) return "-";
  if (log && v <= 0) return "-";
  return v;
}

function lineSeries(s: LineSeries, color: string, logY: boolean | undefined): Option {
  const theory = s.role === "theory";
  const reference = s.role === "reference";
  const markers = s.markers ?? (!theory && !reference && s.points.length <= 60);
  return {
    type: "line",
    name: s.name,
    data: s.points.map(([x, y]) => [x, yValue(y, logY)]),
    showSymbol: markers,
    symbol: "circle",
    symbolSize: 5,
    connectNulls: false,
    color,
    lineStyle: { width: theory ? 2 : 1.8, type: theory ? "dashed" : reference ? "dotted" : "solid", color },
    itemStyle: { color },
    z: theory ? 3 : 2,
  };
}

function markLineOption(marks: MarkLine[] | undefined): Option | undefined {
  if (!marks || marks.length === 0) return undefined;
  return {
    silent: true,
    symbol: "none",
    lineStyle: { color: "#555", type: "dotted", width: 1.2 },
    label: { formatter: "{b}", fontSize: 10, color: "#333" },
    data: marks.map((m) =>
      m.axis === "x" ? { xAxis: m.value, name: m.label } : { yAxis: m.value, name: m.label },
    ),
  };
}

function lineOption(spec: LineChartSpec): Option {
  const colors = colorsFor(spec.series);
  const series = spec.series.map((s, i) => lineSeries(s, colors[i], spec.y.log));
  const ml = markLineOption(spec.markLines);
  if (ml && series.length > 0) series[0].markLine = ml;
  return {
    ...base(
      spec,
      spec.series.map((s) => s.name),
    ),
    legend: legend(spec.series.map((s) => s.name)),
    xAxis: axis(
      withLogExtent(
        spec.x,
        spec.series.flatMap((s) => s.points.map((p) => p[0])),
      ),
      "x",
    ),
    yAxis: axis(
      withLogExtent(
        spec.y,
        spec.series.flatMap((s) => s.points.map((p) => p[1])),
      ),
      "y",
    ),
    series,
  };
}

/** A log axis without explicit bounds gets the decades around its data (ECharts may pad by many decades). */
function withLogExtent(a: AxisSpec, values: (number | null)[]): AxisSpec {
  if (!a.log) return a;
  const e = logExtent(values);
  if (!e) return a;
  return { ...a, min: a.min ?? 10 ** e[0], max: a.max ?? 10 ** e[1] };
}

/**
 * Bars on a log scale are drawn as log10(value) - floor(log10(min)) on a linear axis labelled in
 * powers of ten, so every bar grows from the bottom of the chart (ECharts' log-axis bars grow from
 * 1, and values below 1 would point down).
 */
function barOption(spec: BarChartSpec): Option {
  const ext = spec.y.log ? logExtent(spec.series.flatMap((s) => s.values)) : null;
  const lo = ext ? ext[0] : 0;
  const transform = (v: number | null): number | string => {
    if (!ext) return yValue(v, false);
    if (v === null || !Number.isFinite(v) || v <= 0) return "-";
    return Math.log10(v) - lo;
  };
  const series: Option[] = spec.series.map((s, i) => ({
    type: "bar",
    name: s.name,
    data: s.values.map(transform),
    color: PALETTE[i % PALETTE.length],
    barMaxWidth: 28,
  }));
  const marks = spec.markLines?.map((m) =>
    ext && m.axis === "y" ? { ...m, value: Math.log10(m.value) - lo } : m,
  );
  const ml = markLineOption(marks);
  if (ml && series.length > 0) series[0].markLine = ml;
  const yAxis = ext
    ? {
        ...axis({ label: spec.y.label }, "y"),
        scale: false,
        min: 0,
        max: ext[1] - lo,
        interval: Math.max(1, Math.ceil((ext[1] - lo) / 8)),
        axisLabel: { fontSize: 11, formatter: (v: number) => tick(10 ** (v + lo)) },
      }
    : axis(spec.y, "y");
  // Long or many category names are rotated so that every one is shown.
  const room = (chartSize(spec).width - 120) / Math.max(1, spec.categories.length);
  const longest = Math.max(0, ...spec.categories.map((c) => c.length));
  const rotate = longest * 6.2 > room;
  const o = base(
    spec,
    spec.series.map((s) => s.name),
  );
  if (rotate) (o.grid as Option).bottom = 40 + Math.min(longest, 28) * 4.5;
  return {
    ...o,
    legend: legend(spec.series.map((s) => s.name)),
    xAxis: {
      type: "category",
      data: spec.categories,
      name: spec.xLabel,
      nameLocation: "middle",
      nameGap: rotate ? (o.grid as { bottom: number }).bottom - 16 : 30,
      axisLabel: { fontSize: 11, interval: 0, rotate: rotate ? 35 : 0, hideOverlap: !rotate },
    },
    yAxis,
    series,
  };
}

function heatmapOption(spec: HeatmapSpec): Option {
  const data: [number, number, number | string][] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  spec.values.forEach((row, r) => {
    row.forEach((v, c) => {
      let t: number | null = v !== null && Number.isFinite(v) ? v : null;
      if (t !== null && spec.log) t = t > 0 ? Math.log10(t) : null;
      if (t !== null) {
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
      data.push([c, r, t === null ? "-" : t]);
    });
  });
  if (spec.range) {
    lo = spec.log ? Math.log10(spec.range[0]) : spec.range[0];
    hi = spec.log ? Math.log10(spec.range[1]) : spec.range[1];
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) hi = lo + 1;
  const overlayColors = ["#ff3030", "#ffffff", "#000000"];
  const overlay = (spec.overlay ?? []).map((s, i) => {
    const color = overlayColors[i % overlayColors.length];
    return {
      ...lineSeries(s, color, false),
      xAxisIndex: 1,
      yAxisIndex: 1,
      lineStyle: { width: 2.5, type: s.role === "theory" ? "dashed" : "solid", color },
    };
  });
  const o = base(
    spec,
    (spec.overlay ?? []).map((s) => s.name),
  );
  (o.grid as Option).right = 100;
  const nx = spec.xLabels.length;
  const ny = spec.yLabels.length;
  // Overlays live on hidden value axes aligned with the cells: cell i is centered at i.
  const hidden = (n: number) => ({ type: "value", min: -0.5, max: n - 0.5, show: false });
  return {
    ...o,
    legend: overlay.length ? legend((spec.overlay ?? []).map((s) => s.name)) : undefined,
    xAxis: [
      {
        type: "category",
        data: spec.xLabels,
        name: spec.xLabel,
        nameLocation: "middle",
        nameGap: 30,
        splitArea: { show: false },
        axisLabel: { fontSize: 10, hideOverlap: true },
      },
      hidden(nx),
    ],
    yAxis: [
      {
        type: "category",
        data: spec.yLabels,
        name: spec.yLabel,
        nameLocation: "middle",
        nameGap: 56,
        axisLabel: { fontSize: 10, hideOverlap: true },
      },
      hidden(ny),
    ],
    visualMap: {
      type: "continuous",
      min: lo,
      max: hi,
      calculable: false,
      orient: "vertical",
      right: 30,
      top: "middle",
      itemHeight: 200,
      itemWidth: 14,
      text: spec.log ? [tick(10 ** hi), tick(10 ** lo)] : [tick(hi), tick(lo)],
      textGap: 6,
      textStyle: { fontSize: 10 },
      inRange: { color: spec.diverging ? DIVERGING : RAMP },
      seriesIndex: 0,
    },
    graphic: [
      {
        type: "text",
        right: 4,
        top: "middle",
        rotation: Math.PI / 2,
        style: {
          text: spec.log ? `${spec.valueLabel} (log scale)` : spec.valueLabel,
          fill: "#333",
          font: `11px ${FONT}`,
        },
      },
    ],
    series: [{ type: "heatmap", name: spec.valueLabel, data, emphasis: { disabled: true } }, ...overlay],
  };
}

function histogramOption(spec: HistogramSpec): Option {
  const centers = spec.edges.slice(0, -1).map((e, i) => (e + spec.edges[i + 1]) / 2);
  const widths = spec.edges.slice(0, -1).map((e, i) => spec.edges[i + 1] - e);
  const line: LineChartSpec = {
    kind: "line",
    id: spec.id,
    title: spec.title,
    width: spec.width,
    height: spec.height,
    x: { label: spec.xLabel },
    y: { label: "density", log: spec.logY },
    series: spec.series.map((s) => {
      const total = s.counts.reduce((a, b) => a + b, 0) || 1;
      return {
        name: s.name,
        markers: false,
        points: centers.map((c, i) => [c, s.counts[i] / (total * widths[i])] as [number, number]),
      };
    }),
  };
  return lineOption(line);
}
