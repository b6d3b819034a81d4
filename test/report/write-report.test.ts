import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { scopeSvgIds } from "../../src/report/html-report.js";
import { renderChartSvg, svgToPng } from "../../src/report/render-chart.js";
import {
  renderExperimentFiles,
  writeExperimentReport,
  writeFolderAtomic,
  writeIndex,
} from "../../src/report/write-report.js";
import { fixtureReport } from "./fixture.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-report-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian; PNG spec, section 11.2.2). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

test("a chart renders to SVG with its title and series names, and to a PNG at twice its size", () => {
  const report = fixtureReport();
  const svg = renderChartSvg(report.result.charts[0]);
  assert.match(svg, /^<svg[^>]*width="760" height="420"/);
  assert.match(svg, />A line</);
  assert.match(svg, />measured</);
  assert.match(svg, />theory</);
  const png = svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.deepEqual(pngSize(png), { width: 1520, height: 840 });
});

test("the report folder has the page, the JSON, an SVG, a PNG and a CSV per chart, and CSVs of tables and series", () => {
  const files = renderExperimentFiles(fixtureReport());
  const names = [...files.keys()].sort();
  for (const id of ["line", "bar", "heat", "hist"]) {
    assert.ok(names.includes(`charts/${id}.svg`));
    assert.ok(names.includes(`charts/${id}.png`));
    assert.ok(names.includes(`data/${id}.csv`));
  }
  assert.ok(names.includes("data/table-t.csv"));
  assert.ok(names.includes("data/series-raw.csv"));
  assert.deepEqual(JSON.parse(files.get("result.json") as string).result.numbers, [
    { label: "answer", value: 42 },
  ]);
  // +Infinity (never reached) is a measured value: JSON writes it as the string "Infinity", never null.
  const check = JSON.parse(files.get("result.json") as string).result.verdict.checks[0];
  assert.equal(check.measured, "Infinity");
  assert.deepEqual(check.perSeed, ["Infinity", "Infinity", "Infinity"]);
  const html = files.get("index.html") as string;
  // Self-contained: no script, no stylesheet or image from elsewhere; charts inline.
  assert.doesNotMatch(html, /<script|<link|src="http/);
  assert.equal((html.match(/<svg /g) ?? []).length, 4);
  // User-visible text is escaped.
  assert.match(html, /A &lt;fixture&gt; &amp; its &quot;report&quot;/);
  assert.doesNotMatch(html, /<fixture>/);
  assert.match(html, /<td>&lt;b&gt;<\/td>/);
  // Every id in the page is unique (ECharts' SSR ids are scoped per chart).
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
});

test("scopeSvgIds rewrites ids and their references together", () => {
  const svg =
    '<svg><clipPath id="zr0-c0"></clipPath><g clip-path="url(#zr0-c0)"></g><use href="#zr0-c0"/></svg>';
  assert.equal(
    scopeSvgIds(svg, "c3"),
    '<svg><clipPath id="c3-zr0-c0"></clipPath><g clip-path="url(#c3-zr0-c0)"></g><use href="#c3-zr0-c0"/></svg>',
  );
});

test("writing a folder replaces the old one in one rename and leaves no partial folder", () => {
  const target = join(dir, "exp");
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, "stale.txt"), "old");
  // The hidden folder a killed writer left behind is cleaned up by the next write.
  mkdirSync(join(dir, ".exp.partial-999999"), { recursive: true });
  writeFolderAtomic(target, new Map<string, string>([["a/b.txt", "new"]]));
  assert.equal(readFileSync(join(target, "a", "b.txt"), "utf8"), "new");
  assert.equal(existsSync(join(target, "stale.txt")), false);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith(".")),
    [],
  );
});

test("writeExperimentReport and writeIndex: the index links every report with its verdict", () => {
  const a = fixtureReport();
  // "other" ran more seeds (its own seed count): the table gives each experiment's count.
  const b = {
    ...fixtureReport(),
    name: "other",
    order: 100,
    seeds: [...fixtureReport().seeds, 424242, 515151],
    result: {
      ...fixtureReport().result,
      verdict: { status: "inconclusive" as const, confirmed: false, summary: "no", checks: [] },
    },
  };
  const pa = writeExperimentReport(dir, a, { png: false });
  writeExperimentReport(dir, b, { png: false });
  assert.ok(existsSync(pa));
  assert.equal(existsSync(join(dir, "fixture", "charts", "line.png")), false, "--no-png skips PNGs");
  const index = writeIndex(dir, [a, b], 3);
  const html = readFileSync(index, "utf8");
  assert.match(html, /href="fixture\/index.html"/);
  assert.match(html, /href="other\/index.html"/);
  assert.match(html, /1 of 2 claims confirmed, 0 refuted, 1 inconclusive/);
  // The results table for the docs: the command, the machine, one row per experiment.
  const md = readFileSync(join(dir, "results.md"), "utf8");
  assert.match(md, /^Generated by `initlab experiment run` on \d+ cores/);
  const n = a.seeds.length;
  assert.match(md, new RegExp(`\\| 99 \\| fixture \\| confirmed \\| ${n} \\| 1 / 0 / 0 \\|`));
  assert.match(md, new RegExp(`\\| 100 \\| other \\| inconclusive \\| ${n + 2} \\| 0 / 0 / 0 \\|`));
  assert.match(md, new RegExp(`size, ${n} to ${n + 2} seeds per experiment \\(each experiment's own count`));
  assert.match(html, new RegExp(`${n} to ${n + 2} seeds per experiment`));
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  assert.deepEqual(
    summary.experiments.map((e: { confirmed: boolean }) => e.confirmed),
    [true, false],
  );
});
