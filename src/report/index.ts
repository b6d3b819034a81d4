/**
 * Reports: chart specs rendered with Apache ECharts (SVG) and resvg (PNG), self-contained HTML
 * pages per experiment and an index, CSV/JSON of every series, terminal summaries.
 */
export { chartCsv, toCsv } from "./csv.js";
export { toEChartsOption } from "./echarts-option.js";
export { experimentHtml, scopeSvgIds } from "./html-report.js";
export { indexHtml } from "./index-page.js";
export { renderChartSvg, svgToPng } from "./render-chart.js";
export { machineDescription, resultsMarkdown } from "./results-table.js";
export { terminalSummary, terminalTable } from "./terminal-summary.js";
export {
  jsonNumber,
  renderExperimentFiles,
  toJson,
  writeExperimentReport,
  writeFolderAtomic,
  writeIndex,
} from "./write-report.js";
