import assert from "node:assert/strict";
import { test } from "node:test";
import type { Param } from "../../src/nn/dense.js";
import { Adam, clipGradNorm, globalGradNorm, Sgd } from "../../src/optim/optimizer.js";
import { learningRate } from "../../src/optim/schedule.js";

function param(values: number[], grads: number[]): Param {
  return {
    name: "p",
    kind: "weight",
    layer: 0,
    value: Float64Array.from(values),
    grad: Float64Array.from(grads),
  };
}

test("Adam's first step is -lr * sign(g) (bias correction makes m_hat = g, v_hat = g^2)", () => {
  const p = param([0.5, -1, 2, 0], [3, -0.001, 1e-6, -250]);
  new Adam([p], { eps: 1e-12 }).step(0.01);
  const expected = [0.5 - 0.01, -1 + 0.01, 2 - 0.01, 0 + 0.01];
  // eps shifts the step by lr*eps/|g| at most: 1e-8 for |g| = 1e-6.
  p.value.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]) < 2e-8, `${i}: ${v} vs ${expected[i]}`);
  });
});

test("Adam's second step follows the bias-corrected moments", () => {
  const p = param([1], [2]);
  const adam = new Adam([p], { beta1: 0.9, beta2: 0.999, eps: 0 });
  adam.step(0.1);
  p.grad[0] = -1;
  adam.step(0.1);
  const m = 0.9 * 0.1 * 2 + 0.1 * -1;
  const v = 0.999 * 0.001 * 4 + 0.001 * 1;
  const step2 = (0.1 * (m / (1 - 0.81))) / Math.sqrt(v / (1 - 0.999 ** 2));
  assert.ok(Math.abs(p.value[0] - (1 - 0.1 - step2)) < 1e-12);
  assert.ok(Math.abs(adam.lastUpdateNorms[0] - Math.abs(step2)) < 1e-12);
});

test("SGD with momentum on f(w) = w^2/2 matches the recurrence v = mu v + g, w -= lr v", () => {
  const p = param([1], [0]);
  const sgd = new Sgd([p], { momentum: 0.9 });
  let w = 1;
  let v = 0;
  for (let k = 0; k < 20; k++) {
    p.grad[0] = p.value[0];
    sgd.step(0.1);
    v = k === 0 ? w : 0.9 * v + w;
    w -= 0.1 * v;
    assert.ok(Math.abs(p.value[0] - w) < 1e-12, `step ${k}`);
  }
});

test("SGD Nesterov and weight decay follow torch.optim.SGD", () => {
  const p = param([2], [0.5]);
  const sgd = new Sgd([p], { momentum: 0.5, nesterov: true, weightDecay: 0.1 });
  sgd.step(1);
  // g = 0.5 + 0.1*2 = 0.7; v = 0.7; update = g + mu v = 1.05
  assert.ok(Math.abs(p.value[0] - (2 - 1.05)) < 1e-12);
  p.grad[0] = 0.5;
  sgd.step(1);
  const g = 0.5 + 0.1 * 0.95;
  const v = 0.5 * 0.7 + g;
  assert.ok(Math.abs(p.value[0] - (0.95 - (g + 0.5 * v))) < 1e-12);
});

test("clipping by global norm scales every gradient by maxNorm / norm", () => {
  const a = param([0, 0], [3, 0]);
  const b = param([0], [4]);
  assert.equal(globalGradNorm([a, b]), 5);
  const before = clipGradNorm([a, b], 1);
  assert.equal(before, 5);
  assert.ok(Math.abs(globalGradNorm([a, b]) - 1) < 1e-6);
  assert.ok(Math.abs(a.grad[0] / b.grad[0] - 0.75) < 1e-12);
  const c = param([0], [0.5]);
  clipGradNorm([c], 1);
  assert.equal(c.grad[0], 0.5);
});

test("learning-rate schedules", () => {
  assert.equal(learningRate({ schedule: "constant", lr: 0.1 }, 50, 3), 0.1);
  assert.ok(
    Math.abs(learningRate({ schedule: "step", lr: 0.1, stepEpochs: 2, gamma: 0.5 }, 0, 5) - 0.025) < 1e-15,
  );
  const cos = { schedule: "cosine" as const, lr: 1, totalSteps: 100, minLr: 0 };
  assert.equal(learningRate(cos, 0, 0), 1);
  assert.ok(Math.abs(learningRate(cos, 50, 0) - 0.5) < 1e-12);
  assert.ok(Math.abs(learningRate(cos, 100, 0)) < 1e-12);
});

test("linear warm-up scales the scheduled rate by (step + 1) / warmupSteps, then leaves it", () => {
  const o = { schedule: "constant" as const, lr: 0.2, warmupSteps: 4 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 100].map((t) => learningRate(o, t, 0)),
    [0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2],
  );
  const cos = { schedule: "cosine" as const, lr: 1, totalSteps: 100, warmupSteps: 10 };
  assert.ok(Math.abs(learningRate(cos, 4, 0) - 0.5 * (1 + Math.cos((Math.PI * 4) / 100)) * 0.5) < 1e-15);
  assert.equal(learningRate({ ...o, warmupSteps: 0 }, 0, 0), 0.2);
});
