import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

const BASE = ["--data", "spiral", "--activation", "relu", "--backend", "ts", "--probe-batch", "64"];

test("inspect --residual --norm: per-block and per-normalization probes in --json and in the text", async () => {
  const r = await cli("inspect", ...BASE, "--hidden", "32x5", "--residual", "2", "--norm", "layer", "--json");
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.config.residual, 2);
  assert.deepEqual(
    doc.blocks.map((b: { layers: number[] }) => b.layers),
    [
      [1, 2],
      [3, 4],
    ],
  );
  for (const b of doc.blocks) {
    assert.ok(b.streamOut.var > 0 && b.predictedStreamSecond > 0);
    assert.ok(Math.abs(b.ratio - b.branch.var / b.streamIn.var) < 1e-12);
  }
  assert.equal(doc.norms.length, 5);
  assert.equal(doc.norms[0].kind, "layer");
  const t = await cli("inspect", ...BASE, "--hidden", "32x3", "--residual", "1", "--norm", "batch");
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /residual blocks x_\{b\+1\}/);
  assert.match(t.out, /layer 0 BatchNorm \(pre\)/);
  // a plain network's output has neither
  const p = await cli("inspect", ...BASE, "--hidden", "16,16", "--json");
  assert.equal(JSON.parse(p.out).blocks, undefined);
});

test("train: a combination that does not fit is one line and exit 2; a residual BatchNorm run trains", async () => {
  const bad = await cli("train", ...BASE, "--hidden", "32,16,32", "--residual", "1");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /residual: blocks need equal hidden widths, got \[32, 16, 32\]/);
  const scale = await cli("train", ...BASE, "--branch-scale", "rezero");
  assert.equal(scale.code, 2);
  assert.match(scale.err, /branchScale: "rezero" needs residual blocks/);
  const ok = await cli(
    "train",
    ...BASE,
    "--hidden",
    "32x4",
    "--residual",
    "1",
    "--norm",
    "batch",
    "--branch-scale",
    "rezero",
    "--epochs",
    "20",
    "--max-steps",
    "60",
    "--probe-every",
    "30",
    "--quiet",
    "--json",
  );
  assert.equal(ok.code, 0, ok.err);
  const rec = JSON.parse(ok.out);
  assert.equal(rec.final.diverged, false);
  assert.equal(rec.probes.length, 3);
  assert.equal(rec.probes[0].blocks.length, 3);
  // ReZero: alpha starts at 0 and learns
  assert.equal(rec.probes[0].blocks[0].alpha, 0);
  assert.notEqual(rec.probes[rec.probes.length - 1].blocks[0].alpha, 0);
  // the probes never move BatchNorm's running averages: at step 0 they are torch's start
  assert.equal(rec.probes[0].norms[0].runningVar.mean, 1);
});
