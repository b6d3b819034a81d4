import type { ExperimentReport } from "../../src/report/report-types.js";

/** A small, hand-made experiment report with one chart of every kind (for report tests). */
export function fixtureReport(title = 'A <fixture> & its "report"'): ExperimentReport {
  return {
    name: "fixture",
    order: 99,
    title,
    claim: "x < y",
    source: "nowhere",
    method: "by hand",
    rule: "2 > 1",
    sizes: { quick: "small", full: "large" },
    size: "quick",
    seed: 7,
    seeds: [7, 8, 9],
    backend: "ts",
    threads: 1,
    initlab: "0.1.0",
    node: "v20",
    startedAt: "2026-01-01T00:00:00.000Z",
    seconds: 1.5,
    result: {
      verdict: {
        status: "confirmed",
        confirmed: true,
        summary: "all good",
        checks: [
          {
            label: "two beats one",
            measured: Number.POSITIVE_INFINITY,
            op: ">",
            threshold: 1,
            text: "Inf [Inf, Inf] > 1",
            pass: true,
            status: "pass",
            interval: { low: Number.POSITIVE_INFINITY, high: Number.POSITIVE_INFINITY, n: 3, method: "t" },
            perSeed: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
          },
        ],
      },
      numbers: [{ label: "answer", value: 42 }],
      charts: [
        {
          kind: "line",
          id: "line",
          title: "A line",
          x: { label: "step" },
          y: { label: "loss", log: true },
          series: [
            {
              name: "measured",
              points: [
                [0, 2.3],
                [10, 1],
                [20, 0.3],
              ],
            },
            {
              name: "theory",
              role: "theory",
              points: [
                [0, 2],
                [20, 0.2],
              ],
            },
          ],
          markLines: [{ axis: "x", value: 10, label: "mark" }],
        },
        {
          kind: "bar",
          id: "bar",
          title: "Bars",
          categories: ["1", "2", "out"],
          xLabel: "layer",
          y: { label: "Var", log: true },
          series: [{ name: "a", values: [1e-3, 1, 10] }],
        },
        {
          kind: "heatmap",
          id: "heat",
          title: "Heat",
          xLabel: "step",
          yLabel: "layer",
          xLabels: ["0", "1", "2"],
          yLabels: ["1", "2"],
          values: [
            [1, 10, 100],
            [2, null, 200],
          ],
          valueLabel: "norm",
          log: true,
          overlay: [
            {
              name: "curve",
              role: "theory",
              points: [
                [0, 0],
                [2, 1],
              ],
            },
          ],
        },
        {
          kind: "histogram",
          id: "hist",
          title: "Hist",
          xLabel: "x",
          edges: [0, 1, 2, 3],
          series: [{ name: "s", counts: [1, 5, 2] }],
        },
      ],
      tables: [
        {
          id: "t",
          title: "A table",
          columns: ["a", "b"],
          rows: [
            [1, "<b>"],
            [null, true],
          ],
        },
      ],
      series: [{ id: "raw", columns: ["x"], rows: [[1], [2]] }],
      configurations: [{ label: "c", settings: { lr: 0.1 } }],
      notes: ["a note"],
    },
  };
}
