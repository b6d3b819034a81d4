// CSV data sets: the parser (quotes, line endings, line numbers), every DataError with its exact
// message, the class mapping, the seeded 80/20 split, and a writer -> parser round trip (fast-check).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { parseCsv } from "../../src/data/csv.js";
import { loadDataset } from "../../src/data/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { rejectsData, rejectsUser, tempDir, writeTemp } from "./helpers.js";

const dir = tempDir();
let fileNo = 0;
const csvFile = (text: string) => writeTemp(dir, `t${fileNo++}.csv`, text);
const load = (file: string, target?: string, seed = 1) =>
  loadDataset({ data: `csv:${file}`, target, seed, preprocess: "raw" });

test("parser: quoted fields with commas, doubled quotes and line breaks; CRLF; BOM; blank lines", () => {
  const text = '\ufeffname,"a,b",c\r\n"x ""q"" y","1,5",\n\n"multi\nline",2,"3"\r"",,\n';
  assert.deepEqual(parseCsv(text, "f"), [
    { line: 1, fields: ["name", "a,b", "c"] },
    { line: 2, fields: ['x "q" y', "1,5", ""] },
    { line: 4, fields: ["multi\nline", "2", "3"] },
    { line: 6, fields: ["", "", ""] },
  ]);
  assert.deepEqual(parseCsv('a,b"c\n', "f"), [{ line: 1, fields: ["a", 'b"c'] }]);
  assert.throws(() => parseCsv('a,"open\nb\n', "f.csv"), {
    message: "f.csv: line 1: unterminated quoted field",
  });
  assert.throws(() => parseCsv('a\n"x"y,1\n', "f.csv"), {
    message: 'f.csv: line 2: unexpected "y" after a closing quote',
  });
});

test("errors name the file, the line, the column and the value", async () => {
  const missing = join(dir, "nope.csv");
  await rejectsData(
    () => load(missing),
    `${missing}: file: not found (csv:PATH needs a CSV file with a header row)`,
  );
  const empty = csvFile("");
  await rejectsData(() => load(empty), `${empty}: line 1: the file is empty; a header row is required`);
  const headerOnly = csvFile("a,b,label\n");
  await rejectsData(() => load(headerOnly), `${headerOnly}: line 2: no data rows after the header`);
  const rows = ["a,b,c,label", ...Array.from({ length: 15 }, (_, i) => `${i},1,2,x`), "1,2,3,4,y", "1,2,3,z"];
  const ragged = csvFile(rows.join("\n"));
  await rejectsData(() => load(ragged), `${ragged}: line 17: 5 fields, header has 4`);
  // A quoted line break: the record starts on line 3, the bad cell is reported there.
  const nonNumeric = csvFile('age,height,label\n1,2,"two\nlines"\n3,abc,y\n');
  await rejectsData(() => load(nonNumeric), `${nonNumeric}: line 4, column "height": "abc" is not a number`);
  const blank = csvFile("age,height,label\n1,,y\n");
  await rejectsData(() => load(blank), `${blank}: line 2, column "height": "" is not a number`);
  for (const bad of ["0x1f", "Infinity", "1_000", "NaN", "1e"]) {
    const f = csvFile(`a,label\n${bad},y\n2,z\n`);
    await rejectsData(() => load(f), `${f}: line 2, column "a": ${JSON.stringify(bad)} is not a number`);
  }
  const huge = csvFile("a,label\n1e39,y\n2,z\n");
  await rejectsData(() => load(huge), `${huge}: line 2, column "a": 1e39 is outside the float32 range`);
  const cols = csvFile("sepal,petal,species\n1,2,a\n3,4,b\n");
  await rejectsData(
    () => load(cols, "kind"),
    `${cols}: header: no column "kind" for --target; columns: sepal, petal, species`,
  );
  const dup = csvFile("a,b,a\n1,2,3\n");
  await rejectsData(() => load(dup), `${dup}: line 1: column name "a" appears twice (columns 1 and 3)`);
  const oneClass = csvFile("a,label\n1,y\n2,y\n");
  await rejectsData(() => load(oneClass), `${oneClass}: column "label": one class only (y); need at least 2`);
  await rejectsUser(() => loadDataset({ data: "csv:" }), 'data "csv:" needs a path');
  await rejectsUser(
    () => load(cols, undefined).then(() => loadDataset({ data: `csv:${cols}`, noise: 0.1 })),
    "noise applies",
  );
});

test("class mapping: integers in numeric order, strings in code-unit order; target by name", async () => {
  const ints = csvFile(["x,y", "1,10", "2,9", "3,-1", "4,9", "5,010"].join("\n"));
  const a = await load(ints);
  assert.deepEqual(a.classNames, ["-1", "9", "10"]);
  assert.equal(a.numClasses, 3);
  const strs = csvFile(['f1,"class, quoted",f2', '1,"b,1",2', "3,a,4", "5,B,6", '7,"b,1",8'].join("\n"));
  const b = await load(strs, "class, quoted");
  assert.deepEqual(b.classNames, ["B", "a", "b,1"]);
  assert.deepEqual(b.featureNames, ["f1", "f2"]);
  assert.equal(b.inputDim, 2);
  assert.equal(b.name, `csv:${strs}`);
  // Each row keeps its own label: map the loaded rows back by their first feature.
  const want = new Map([
    [1, "b,1"],
    [3, "a"],
    [5, "B"],
    [7, "b,1"],
  ]);
  const seen: number[] = [];
  for (const [x, y, n] of [
    [b.trainX, b.trainY, b.nTrain],
    [b.testX, b.testY, b.nTest],
  ] as const) {
    for (let i = 0; i < n; i++) {
      assert.equal(b.classNames[y[i]], want.get(x[2 * i]));
      assert.equal(x[2 * i + 1], x[2 * i] + 1);
      seen.push(x[2 * i]);
    }
  }
  assert.deepEqual(seen.sort(), [1, 3, 5, 7]);
});

test("split: test = the last ceil(n / 5) of Rng.derive(seed, 'csv-split').permutation(n)", async () => {
  const n = 23;
  const f = csvFile(["v,label", ...Array.from({ length: n }, (_, i) => `${i},${i % 3}`)].join("\n"));
  const d = await load(f, undefined, 42);
  assert.deepEqual([d.nTrain, d.nTest], [18, 5]);
  const p = Rng.derive(42, "csv-split").permutation(n);
  assert.deepEqual(Array.from(d.trainX), Array.from(p.subarray(0, 18)));
  assert.deepEqual(Array.from(d.testX), Array.from(p.subarray(18)));
  assert.deepEqual(
    Array.from(d.trainY),
    Array.from(p.subarray(0, 18), (v) => v % 3),
  );
  const other = await load(f, undefined, 43);
  assert.notDeepEqual(other.trainX, d.trainX);
  const again = await load(f, undefined, 42);
  assert.deepEqual(again.trainX, d.trainX);
  const std = await loadDataset({ data: `csv:${f}`, seed: 42, trainLimit: 10, testLimit: 2 });
  assert.equal(std.preprocess, "standardize");
  assert.deepEqual([std.nTrain, std.nTest], [10, 2]);
  const first10 = Array.from(p.subarray(0, 10));
  const m = first10.reduce((a, b) => a + b, 0) / 10;
  const s = Math.sqrt(first10.reduce((a, b) => a + (b - m) ** 2, 0) / 10);
  for (const [i, v] of first10.entries()) assert.ok(Math.abs(std.trainX[i] - (v - m) / s) < 1e-6);
  // One data row cannot hold two classes: that error comes first.
  const tiny = csvFile("v,label\n1,a\n");
  await rejectsData(() => load(tiny), `${tiny}: column "label": one class only (a); need at least 2`);
});

/** A CSV writer: quotes a field when it must (comma, quote, CR, LF, or empty first field), or at random. */
function writeCsv(rows: string[][], quoteAll: boolean[], eol: string, finalEol: boolean): string {
  const field = (s: string, q: boolean) => (q || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = rows.map((r, i) =>
    r.map((s, j) => field(s, quoteAll[(i + j) % quoteAll.length] || (r.length === 1 && s === ""))).join(","),
  );
  return lines.join(eol) + (finalEol ? eol : "");
}

test("property: writer -> parser round trip of random numeric tables", () => {
  const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
  const cell = fc.oneof(
    f32.map((v) => String(v)),
    f32.map((v) => v.toExponential()),
    fc.integer().map(String),
  );
  const table = fc.integer({ min: 1, max: 6 }).chain((cols) =>
    fc.record({
      header: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: cols, maxLength: cols }),
      rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 12 }),
      quote: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
      eol: fc.constantFrom("\n", "\r\n", "\r"),
      finalEol: fc.boolean(),
    }),
  );
  fc.assert(
    fc.property(table, (t) => {
      const text = writeCsv([t.header, ...t.rows], t.quote, t.eol, t.finalEol);
      const records = parseCsv(text, "p.csv");
      assert.deepEqual(
        records.map((r) => r.fields),
        [t.header, ...t.rows],
      );
      for (const r of t.rows) for (const s of r) assert.ok(Number.isFinite(Number(s)));
    }),
    { numRuns: 300 },
  );
});

test("property: numeric tables load back as float32 of the written values", async () => {
  const value = fc.double({ min: -1e30, max: 1e30, noNaN: true });
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(value, value, fc.integer({ min: 0, max: 3 })), { minLength: 2, maxLength: 20 }),
      async (rows) => {
        fc.pre(new Set(rows.map((r) => r[2])).size >= 2);
        const f = csvFile(["a,b,label", ...rows.map((r) => r.join(","))].join("\n"));
        const d = await load(f);
        const got = new Set<string>();
        for (const [x, y, n] of [
          [d.trainX, d.trainY, d.nTrain],
          [d.testX, d.testY, d.nTest],
        ] as const) {
          for (let i = 0; i < n; i++) got.add(`${x[2 * i]},${x[2 * i + 1]},${d.classNames[y[i]]}`);
        }
        const want = new Set(rows.map(([a, b, c]) => `${Math.fround(a)},${Math.fround(b)},${c}`));
        assert.deepEqual(got, want);
        assert.equal(d.nTrain + d.nTest, rows.length);
      },
    ),
    { numRuns: 40 },
  );
});
