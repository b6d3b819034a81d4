import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

test("train says when --epochs ends a run before --max-steps, and how many epochs would reach it", async () => {
  // circle: 500 training examples, batch 100 -> 5 steps per epoch
  const base = [
    "train",
    "--data",
    "circle",
    "--hidden",
    "4",
    "--batch-size",
    "100",
    "--backend",
    "ts",
    "--max-steps",
    "12",
  ];
  const short = bufferIO();
  assert.equal(await run(base, short), 0, short.err);
  assert.match(
    short.err,
    /note: stopped after 1 epoch\(s\) = 5 steps, before --max-steps 12; give --epochs 3 to reach it/,
  );
  const enough = bufferIO();
  assert.equal(await run([...base, "--epochs", "3"], enough), 0, enough.err);
  assert.doesNotMatch(enough.err, /note: stopped/);
  assert.match(enough.err, /over 12 steps/);
});
