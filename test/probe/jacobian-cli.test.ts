import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

const NET = ["inspect", "--train-limit", "300", "--batch", "8", "--backend", "ts"];

test("inspect --jacobian --cmap --json: orthogonal linear stack is an isometry; c-map measured beside the mean field", async () => {
  const r = await cli(
    ...NET,
    ...[
      "--hidden",
      "32x6",
      "--activation",
      "identity",
      "--init",
      "orthogonal",
      "--jacobian",
      "2",
      "--cmap",
      "3",
      "--json",
    ],
  );
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  const j = doc.jacobian;
  assert.deepEqual(
    [j.from, j.to, j.lo, j.hi, j.depth, j.rows, j.cols, j.inputs],
    ["first-hidden", "last-hidden", 1, 5, 5, 32, 32, 2],
  );
  assert.equal(j.singularValues.length, 64);
  for (const s of j.singularValues) assert.ok(Math.abs(s - 1) < 1e-4, `s = ${s}`);
  assert.ok(Math.abs(j.theory.meanSquare - 1) < 1e-9);
  assert.equal(doc.cmap.pairs, 3);
  assert.equal(doc.cmap.layers.length, 7);
  // a linear orthogonal network keeps every pair's cosine similarity (measured and predicted) through the hidden stack
  for (const l of doc.cmap.layers.slice(0, 6)) {
    assert.ok(Math.abs(l.c - doc.cmap.layers[0].c) < 1e-4, `c ${l.c}`);
    assert.ok(Math.abs(l.predicted - doc.cmap.layers[0].c) < 1e-9, `predicted ${l.predicted}`);
  }
});

test("inspect --jacobian: the text report, and one-line errors for a bad choice, an empty Jacobian and the cost limit", async () => {
  const ok = await cli(
    ...NET,
    "--hidden",
    "16x3",
    "--activation",
    "tanh",
    "--jacobian",
    "--jacobian-to",
    "logits",
  );
  assert.equal(ok.code, 0, ok.err);
  assert.match(
    ok.out,
    /Jacobian spectrum: J = d\(logits\)\/d\(activation of layer 1\), 3 layer\(s\), 10 x 16, on 4 input\(s\)/,
  );
  assert.match(ok.out, /mean s\^2 \(m1 of J J\^T\)/);
  const bad = await cli(...NET, "--hidden", "16x3", "--jacobian", "--jacobian-from", "middle");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--jacobian-from/);
  const empty = await cli(...NET, "--hidden", "16", "--jacobian");
  assert.equal(empty.code, 2);
  assert.match(empty.err, /Jacobian from first-hidden to last-hidden is empty/);
  const costly = await cli(...NET, "--hidden", "16x3", "--jacobian", "--jacobian-max-cost", "1000");
  assert.equal(costly.code, 2);
  assert.match(costly.err, /flops/);
  const lonely = await cli(...NET, "--hidden", "16x3", "--jacobian-to", "logits");
  assert.equal(lonely.code, 2);
  assert.match(lonely.err, /need --jacobian/);
});
