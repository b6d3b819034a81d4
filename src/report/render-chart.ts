/**
 * Renders a chart spec to an SVG string with Apache ECharts' server-side renderer
 * (echarts.init(null, null, {renderer: "svg", ssr: true}) -> renderToSVGString) and the SVG to a
 * PNG with resvg (a Rust SVG renderer, no browser needed). Both run in plain Node.
 */
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";
import type { ChartSpec } from "./chart-spec.js";
import { chartSize, toEChartsOption } from "./echarts-option.js";

export function renderChartSvg(spec: ChartSpec): string {
  const { width, height } = chartSize(spec);
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(toEChartsOption(spec) as echarts.EChartsCoreOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** PNG of an SVG at `scale` times its size (2 for slides and issue comments). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    background: "#ffffff",
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "Liberation Sans" },
  });
  return resvg.render().asPng();
}
