import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChartSpec } from "../../src/report/chart-spec.js";
import { chartCsv, csvCell, toCsv } from "../../src/report/csv.js";
import { legendRows, logExtent, tick, toEChartsOption } from "../../src/report/echarts-option.js";

test("CSV follows RFC 4180: quotes, doubled quotes, empty fields for null and non-finite", () => {
  assert.equal(csvCell('say "hi", then\nleave'), '"say ""hi"", then\nleave"');
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(Number.NaN), "");
  assert.equal(csvCell(Number.POSITIVE_INFINITY), "");
  assert.equal(csvCell(0.1), "0.1");
  assert.equal(csvCell(true), "true");
  assert.equal(
    toCsv(
      ["a", "b"],
      [
        [1, "x,y"],
        [null, 2],
      ],
    ),
    'a,b\n1,"x,y"\n,2\n',
  );
});

test("chart data as long-format CSV: one row per point or cell", () => {
  const line: ChartSpec = {
    kind: "line",
    id: "l",
    title: "t",
    x: { label: "step" },
    y: { label: "loss" },
    series: [
      {
        name: "a",
        points: [
          [0, 1],
          [1, null],
        ],
      },
      { name: "b", role: "theory", points: [[0, 2]] },
    ],
  };
  assert.equal(chartCsv(line), "series,role,step,loss\na,measured,0,1\na,measured,1,\nb,theory,0,2\n");
  const heat: ChartSpec = {
    kind: "heatmap",
    id: "h",
    title: "t",
    xLabel: "step",
    yLabel: "layer",
    xLabels: ["0", "10"],
    yLabels: ["1", "2"],
    values: [
      [1, 2],
      [3, null],
    ],
    valueLabel: "v",
  };
  assert.equal(chartCsv(heat), "layer,step,v\n1,0,1\n1,10,2\n2,0,3\n2,10,\n");
  const hist: ChartSpec = {
    kind: "histogram",
    id: "g",
    title: "t",
    xLabel: "x",
    edges: [0, 1, 2],
    series: [{ name: "s", counts: [3, 4] }],
  };
  assert.equal(chartCsv(hist), "series,bin_low,bin_high,count\ns,0,1,3\ns,1,2,4\n");
});

test("log axes span whole decades around the positive data", () => {
  assert.deepEqual(logExtent([0.03, 7, null, -1, 0, Number.NaN]), [-2, 1]);
  assert.deepEqual(logExtent([1, 10]), [0, 1]);
  assert.deepEqual(logExtent([5, 5]), [0, 1]);
  assert.equal(logExtent([0, -2, null]), null);
});

test("tick labels: plain for ordinary magnitudes, exponent form beyond", () => {
  assert.equal(tick(0), "0");
  assert.equal(tick(0.25), "0.25");
  assert.equal(tick(1500), "1500");
  assert.equal(tick(1e-5), "1e-5");
  assert.equal(tick(3e7), "3e7");
});

test("log-scale bars are drawn as log10(value) above the lowest decade", () => {
  const opt = toEChartsOption({
    kind: "bar",
    id: "b",
    title: "t",
    categories: ["1", "2"],
    xLabel: "layer",
    y: { label: "v", log: true },
    series: [{ name: "s", values: [0.05, 200] }],
  }) as { series: { data: (number | string)[] }[]; yAxis: { min: number; max: number } };
  // lowest decade 10^-2, highest 10^3: bars are log10(v) + 2, the axis runs 0..5.
  assert.ok(Math.abs((opt.series[0].data[0] as number) - (Math.log10(0.05) + 2)) < 1e-12);
  assert.ok(Math.abs((opt.series[0].data[1] as number) - (Math.log10(200) + 2)) < 1e-12);
  assert.equal(opt.yAxis.min, 0);
  assert.equal(opt.yAxis.max, 5);
});

test("legends wrap onto more rows as names get longer", () => {
  assert.equal(legendRows([], 760), 0);
  assert.equal(legendRows(["a", "b"], 760), 1);
  assert.ok(
    legendRows(
      Array.from({ length: 12 }, (_, i) => `a rather long series name ${i}`),
      760,
    ) >= 4,
  );
});
