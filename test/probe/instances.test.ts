import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { instanceBand, instanceSeed, tQuantile975 } from "../../src/probe/index.js";

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

interface Band {
  values: number[];
  mean: number;
  sd: number;
  band: [number, number];
  ci95: [number, number];
  theory: number | null;
  inside: boolean | null;
}

test("the issue's bar: inspect --instances 8 on tanh/xavier 10 x 1000 standardized MNIST, theory inside every hidden layer's band", async () => {
  const r = await cli(
    "inspect",
    "--hidden",
    "1000x10",
    "--activation",
    "tanh",
    "--init",
    "xavier_uniform",
    "--data",
    "mnist",
    "--preprocess",
    "standardize",
    "--instances",
    "8",
    "--train-limit",
    "1000",
    "--json",
  );
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  const inst = doc.instances as {
    count: number;
    seeds: number[];
    band: string;
    layers: { index: number; preactVar: Band }[];
  };
  assert.equal(inst.count, 8);
  assert.equal(new Set(inst.seeds).size, 8, "8 different seeds");
  assert.match(inst.band, /mean \+- 2 sd over 8 instances/);
  assert.equal(inst.layers.length, 11);
  const hidden = inst.layers.slice(0, -1);
  for (const l of hidden) {
    const b = l.preactVar;
    assert.equal(b.values.length, 8);
    // the band is what it says: mean +- 2 sample sd of the per-instance values
    const mean = b.values.reduce((a, v) => a + v, 0) / 8;
    const sd = Math.sqrt(b.values.reduce((a, v) => a + (v - mean) ** 2, 0) / 7);
    assert.ok(
      Math.abs(b.band[0] - (mean - 2 * sd)) <= 1e-12 * mean &&
        Math.abs(b.band[1] - (mean + 2 * sd)) <= 1e-12 * mean,
    );
    assert.ok(b.sd > 0, `layer ${l.index}: instances differ`);
    assert.equal(typeof b.theory, "number");
    assert.ok(
      b.band[0] <= b.theory! && b.theory! <= b.band[1],
      `layer ${l.index}: theory ${b.theory} outside ${b.band}`,
    );
    assert.equal(b.inside, true);
  }
  // instance 0 is what the rest of the document describes
  assert.equal(doc.layers[3].preact.var, hidden[3].preactVar.values[0]);
});

test("instance bands: mean, sample sd, band, t interval, and a theory value outside is called outside", () => {
  const b = instanceBand([1, 1.1, 0.9, 1.05, 0.95], 1.02);
  assert.ok(Math.abs(b.mean - 1) < 1e-15);
  const sd = Math.sqrt((0 + 0.01 + 0.01 + 0.0025 + 0.0025) / 4);
  assert.ok(Math.abs(b.sd - sd) < 1e-15);
  assert.ok(Math.abs(b.band[1] - (1 + 2 * sd)) < 1e-15);
  // t_{0.975, 4} = 2.7764451052 (exact; tables print 2.776)
  assert.ok(Math.abs(b.ci95[1] - (1 + (2.7764451052 * sd) / Math.sqrt(5))) < 1e-10);
  assert.equal(b.inside, true);
  assert.equal(instanceBand([1, 1.1, 0.9, 1.05, 0.95], 1.5).inside, false);
  assert.equal(instanceBand([1, 1.1, 0.9], null).inside, null);
  // published t quantiles (two-sided 95%)
  for (const [df, t] of [
    [1, 12.706],
    [7, 2.365],
    [30, 2.042],
    [40, 2.021],
    [60, 2.0],
    [120, 1.98],
  ])
    assert.ok(Math.abs(tQuantile975(df) - t) < 1.5e-3, `df ${df}: ${tQuantile975(df)} vs ${t}`);
});

test("instance seeds come from --seed; --instances needs K >= 2 and cannot go with --load", async () => {
  assert.equal(instanceSeed(1, 0), instanceSeed(1, 0));
  assert.notEqual(instanceSeed(1, 0), instanceSeed(1, 1));
  assert.notEqual(instanceSeed(1, 0), instanceSeed(2, 0));
  const one = await cli("inspect", "--data", "xor", "--instances", "1");
  assert.equal(one.code, 2);
  assert.match(one.err, /--instances/);
  const load = await cli("inspect", "--data", "xor", "--instances", "3", "--load", "net.json");
  assert.equal(load.code, 2);
  assert.match(load.err, /--instances .*--load/);
  const ok = await cli("inspect", "--data", "xor", "--hidden", "32,32", "--instances", "3");
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /instances: 3 networks initialized with seeds/);
  assert.match(ok.out, /band \(mean \+- 2 sd\)/);
});
