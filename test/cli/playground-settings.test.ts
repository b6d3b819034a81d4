// The CLI surface of Playground's settings: input features, L1 and the regression sets (progress,
// final line and --json record say R^2), and their one-line errors with exit code 2.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

const base = ["train", "--hidden", "4", "--batch-size", "100", "--backend", "ts", "--epochs", "2"];

test("train on a regression set with features and L1: R^2 in the epoch and final lines and the JSON record", async () => {
  const io = bufferIO();
  const args = [...base, "--data", "plane", "--loss", "mse", "--features", "x1,x2,x1x2", "--l1", "0.001"];
  assert.equal(await run(args, io), 0, io.err);
  assert.match(io.err, /net 3-4-1 /);
  assert.match(io.err, /epoch 2: train loss [0-9.]+, test loss [0-9.]+, test R\^2 -?[0-9.]+/);
  assert.match(io.err, /final: test R\^2 -?[0-9.]+, test loss/);
  const json = bufferIO();
  assert.equal(await run([...args, "--json"], json), 0, json.err);
  const record = JSON.parse(json.out);
  assert.equal(typeof record.final.testR2, "number");
  assert.equal(record.config.features, "x1,x2,x1x2");
  assert.equal(record.config.l1, 0.001);
});

test("bad features, features on MNIST and a regression set without mse: one line each, exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--data", "circle", "--features", "x1,x7"], /--features: unknown feature "x7"; valid: x1, x2, x1sq/],
    [["--data", "mnist", "--features", "x1sq"], /features: x1sq applies to the 2-D sets only/],
    [["--data", "multi-gauss"], /loss: multi-gauss is a regression set .*needs loss mse, not cross_entropy/],
    [["--data", "circle", "--l1", "-1"], /--l1: expected a number >= 0, got -1/],
  ];
  for (const [extra, message] of cases) {
    const io = bufferIO();
    assert.equal(await run([...base, ...extra], io), 2, io.err);
    assert.match(io.err, message);
  }
});
