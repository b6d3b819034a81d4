import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

test("init describe --json prints exactly one document with the exact distribution", async () => {
  const r = await cli(
    "init",
    "describe",
    "kaiming_uniform(a=0.2, mode=fan_out, nonlinearity=leaky_relu)",
    "--fan-in",
    "300",
    "--fan-out",
    "100",
    "--json",
  );
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc).sort(), ["bound", "distribution", "mean", "spec", "std", "support"]);
  // He et al. 2015: std = gain / sqrt(fan), gain = sqrt(2 / (1 + a^2)); mode fan_out -> fan = 100.
  const std = Math.sqrt(2 / 1.04) / Math.sqrt(100);
  assert.ok(Math.abs(doc.std - std) < 1e-12);
  assert.ok(Math.abs(doc.bound - Math.sqrt(3) * std) < 1e-12);
  assert.equal(doc.mean, 0);
  assert.equal(doc.distribution, "uniform");
});

test("init sample --json: moments of a 256x784 Xavier normal draw", async () => {
  const r = await cli("init", "sample", "xavier_normal", "--shape", "256,784", "--seed", "3", "--json");
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  const n = 256 * 784;
  const std = Math.sqrt(2 / (256 + 784));
  assert.equal(doc.count, n);
  // sample std of n normals: relative standard error sqrt(1 / (2(n-1))); allow 5 of them.
  assert.ok(Math.abs(doc.std / std - 1) < 5 * Math.sqrt(1 / (2 * (n - 1))), `std ${doc.std} vs ${std}`);
  assert.ok(Math.abs(doc.mean) < (5 * std) / Math.sqrt(n));
  const again = await cli("init", "sample", "xavier_normal", "--shape", "256,784", "--seed", "3", "--json");
  assert.equal(again.out, r.out);
});

test("gain --json follows PyTorch's table", async () => {
  const r = await cli("gain", "leaky_relu", "0.2", "--json");
  assert.equal(r.code, 0, r.err);
  assert.ok(Math.abs(JSON.parse(r.out).gain - Math.sqrt(2 / (1 + 0.04))) < 1e-15);
  const t = await cli("gain", "tanh", "--json");
  assert.equal(JSON.parse(t.out).gain, 5 / 3);
});

test("bad input: a clear message naming the value, exit code 2, nothing on stdout", async () => {
  const a = await cli("init", "describe", "he_norml", "--fan-in", "3", "--fan-out", "4", "--json");
  assert.equal(a.code, 2);
  assert.equal(a.out, "");
  assert.match(a.err, /unknown initializer "he_norml"; valid: .*he_normal/);
  const b = await cli("train", "--lr", "fast");
  assert.equal(b.code, 2);
  assert.match(b.err, /--lr: expected a number > 0, got "fast"/);
  const c = await cli("train", "--optimizer", "rmsprop");
  assert.equal(c.code, 2);
  assert.match(c.err, /--optimizer: unknown value "rmsprop"; valid: sgd, adam/);
  const d = await cli("frobnicate");
  assert.equal(d.code, 2);
  assert.match(d.err, /unknown command 'frobnicate'/);
});

test("every command has --help", async () => {
  for (const argv of [
    ["--help"],
    ["train", "--help"],
    ["init", "describe", "--help"],
    ["gain", "--help"],
    ["info", "--help"],
  ]) {
    const r = await cli(...argv);
    assert.equal(r.code, 0, argv.join(" "));
    assert.match(r.out, /Usage: initlab/);
  }
});

test("train --json on a synthetic set prints one document with the documented keys", async () => {
  const r = await cli(
    "train",
    "--data",
    "circle",
    "--hidden",
    "8",
    "--activation",
    "tanh",
    "--init",
    "xavier_uniform",
    "--epochs",
    "2",
    "--batch-size",
    "20",
    "--backend",
    "ts",
    "--json",
    "--quiet",
  );
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc.epochs[0]).sort(), [
    "epoch",
    "seconds",
    "testAccuracy",
    "testLoss",
    "trainLoss",
  ]);
  for (const k of ["trainLoss", "testLoss", "testAccuracy", "diverged", "divergedAtStep", "samplesPerSecond"])
    assert.ok(k in doc.final, k);
  assert.equal(doc.config.hidden[0], 8);
  assert.equal(doc.config.lr, 0.05);
});
