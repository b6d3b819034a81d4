import assert from "node:assert/strict";
import { test } from "node:test";
import { gradientGrowth } from "../../src/probe/gradient-growth.js";
import { BN_RELU_GRADIENT_FACTOR } from "../../src/theory/batchnorm-gradient.js";

/*
 * Yang et al. 2019 (arXiv:1902.08129), a published constant: at initialization a deep plain ReLU
 * network with BatchNorm (before each ReLU, batch statistics) has gradients that grow
 * geometrically toward the input, the squared gradient norm by pi / (pi - 1) = 1.467 per layer
 * (large width and batch). Measured by gradientGrowth (src/probe/gradient-growth.ts):
 * ||dL/dW_l||^2 / ||dL/dW_{l+1}||^2, geometric mean over the hidden layers 1..15 of a 17-hidden-layer
 * He network, width 256, batch 256, 2 seeds: within 10% of the constant. With 1-layer residual
 * blocks around the same normalized layers the growth over those layers is at most a tenth of the
 * plain network's (the explosion is gone). The experiment batchnorm-depth reports the numbers.
 */
test("BatchNorm at init: gradients explode toward the input by pi/(pi-1) per layer (Yang et al. 2019); residual blocks remove it", () => {
  assert.ok(Math.abs(BN_RELU_GRADIENT_FACTOR - 1.4669) < 1e-4);
  for (const seed of [1, 2]) {
    const plain = gradientGrowth(seed, { architecture: { norm: "batch" } });
    assert.equal(plain.ratios, 15);
    assert.equal(plain.gradSquared.length, 18);
    assert.ok(
      Math.abs(plain.perLayer / BN_RELU_GRADIENT_FACTOR - 1) < 0.1,
      `seed ${seed}: per-layer factor ${plain.perLayer} vs ${BN_RELU_GRADIENT_FACTOR}`,
    );
    assert.ok(Math.abs(plain.total - plain.perLayer ** 15) < 1e-6 * plain.total);
    const res = gradientGrowth(seed, { architecture: { norm: "batch", residual: 1 } });
    assert.ok(
      res.total < plain.total / 10,
      `seed ${seed}: residual growth x${res.total} vs plain x${plain.total}`,
    );
  }
});

test("gradientGrowth: fewer than 3 hidden layers is a RangeError (no ratio to take)", () => {
  assert.throws(() => gradientGrowth(1, { hidden: 2 }), /at least 3 hidden layers/);
});
