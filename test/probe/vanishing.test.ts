import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { createBackend } from "../../src/kernels/registry.js";
import { getLoss } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { diagnose, probeBatch, probeNetwork } from "../../src/probe/index.js";
import { backwardVarianceFlow, type FlowLayer, forwardVarianceFlow } from "../../src/theory/index.js";

const meanSquare = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s / x.length;
};

// The notes' hand calculation: an 8-layer sigmoid network (7 hidden layers of 256 units + the read-out)
// with a small normal init, N(0, 0.05^2). Backward, each sigmoid layer multiplies dL/dz by sigma'(z) <= 1/4
// and by the weights: Var(dL/dz_l) = chi_l Var(dL/dz_{l+1}), chi_l = fan_out Var(W_{l+1}) E[sigma'(z_l)^2]
// (Glorot & Bengio 2010; Schoenholz et al. 2017), at most 256 * 0.05^2 / 16 = 0.04.
test("8-layer sigmoid, small normal init: ||dL/dW|| shrinks layer by layer by the theory's factor", async () => {
  const backend = await createBackend(undefined, { threads: 2 });
  try {
    const dataset = await loadDataset({
      data: "mnist",
      preprocess: "standardize",
      trainLimit: 5000,
      testLimit: 10,
      seed: 1,
    });
    const { x, y, B } = probeBatch(dataset, 256, 1);
    const net = new Network(
      {
        sizes: [784, 256, 256, 256, 256, 256, 256, 256, 10],
        activation: "sigmoid",
        init: "normal(std=0.05)",
      },
      { backend },
    ).initialize(1);
    const s = probeNetwork(net, x, y, B, getLoss("cross_entropy"));
    const g = s.layers.map((l) => l.weightGradNorm);
    for (let l = 0; l < 7; l++)
      assert.ok(g[l] < g[l + 1], `||dL/dW|| of layer ${l} (${g[l]}) not below layer ${l + 1} (${g[l + 1]})`);
    assert.ok(g[0] / g[7] < 1e-4, `||dL/dW|| ratio layer 0 / layer 7 = ${g[0] / g[7]}`);

    // The theory's per-layer factors, from src/theory directly: this network's weight second moments,
    // each example's input second moment, the measured output dL/dz as the anchor.
    const layers: FlowLayer[] = net.layers.map((l) => ({
      fanIn: l.inDim,
      fanOut: l.outDim,
      weightVar: meanSquare(l.W),
      activation: l.activation,
    }));
    const m = Array.from({ length: B }, (_, e) => meanSquare(x.subarray(e * 784, (e + 1) * 784)));
    const out = net.layers[7];
    const v = Array.from({ length: B }, (_, e) => meanSquare(out.dZ.subarray(e * 10, (e + 1) * 10)));
    const chi = backwardVarianceFlow(layers, forwardVarianceFlow(layers, m), v).layers.map((l) => l.chi);

    // Per layer, sqrt of the Var(dL/dz) ratio: dL/dz spans ~9 directions (the output gradient p - y over 10
    // classes) across the batch, times 256 units, so each variance has a relative std of about
    // sqrt(2 / (9 * 256)) = 3%, a ratio of square roots ~2%: 6% is 3 of them.
    for (let l = 0; l < 6; l++) {
      const measured = Math.sqrt(s.layers[l].grad.var / s.layers[l + 1].grad.var);
      assert.ok(
        Math.abs(measured / Math.sqrt(chi[l]) - 1) < 0.06,
        `layer ${l}: factor ${measured} vs sqrt(chi) ${Math.sqrt(chi[l])}`,
      );
    }
    // ||dL/dW_l|| = ||dZ_l^T A_{l-1}||: with sigmoid inputs ~1/2 it follows sqrt(chi_l) through the middle
    // layers (1..6, same shapes). One ratio fluctuates by ~6% (||W^T v||^2 of one vector v has a relative
    // std sqrt(2/256)), but the geometric mean over layers 1..6 telescopes to ||dW_1|| / ||dW_6||: two
    // norms, ~2% on the per-layer factor; 6% is 3 of them.
    const measuredFactor = (g[1] / g[6]) ** (1 / 5);
    const theoryFactor = Math.sqrt(chi[1] * chi[2] * chi[3] * chi[4] * chi[5]) ** (1 / 5);
    assert.ok(
      Math.abs(measuredFactor / theoryFactor - 1) < 0.06,
      `per-layer factor ${measuredFactor} vs theory ${theoryFactor}`,
    );
    // ... and stays under the notes' bound sigma' <= 1/4: (1/4) sqrt(fan_out E[W^2]) = 0.2.
    const bound = 0.25 * Math.sqrt(256 * meanSquare(net.layers[3].W));
    assert.ok(measuredFactor < bound * 1.06, `factor ${measuredFactor} vs the 1/4 bound ${bound}`);
    assert.ok(theoryFactor < bound);

    const kinds = diagnose(s).map((f) => f.kind);
    assert.ok(kinds.includes("vanishing_gradient"), kinds.join(", "));
  } finally {
    backend.dispose();
  }
});
