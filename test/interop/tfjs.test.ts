// initlab/tfjs: initlab's initializers inside tf.layers.dense (exact variance, unlike TF.js's own
// truncated-normal variance scaling, tfjs issue #8594) and the probe of a tf.LayersModel, checked
// against initlab's own probe (an independent forward and hand-written backward) on the same weights.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { listInitializers, parseInit } from "../../src/init/index.js";
import { crossEntropy } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { probeNetwork } from "../../src/probe/probe-network.js";
import { Rng } from "../../src/tensor/rng.js";
import { probeTfModel, tfFans, tfInitializer } from "../../src/tfjs.js";

function kernelOf(model: tf.LayersModel, i: number): Float32Array {
  return model.layers[i].getWeights()[0].dataSync() as Float32Array;
}

function variance(v: Float32Array): number {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  return s / v.length;
}

test("tfInitializer in tf.layers.dense: Var(W) is the spec's exact variance; TF.js's own heNormal (a truncated normal) draws 0.77x", () => {
  const spec = "variance_scaling(1, fan_in, truncated_normal)";
  const build = (kernelInitializer: unknown) =>
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 256, kernelInitializer: kernelInitializer as "zeros" }),
      ],
    });
  const ours = build(tfInitializer(tf, spec, { seed: 3 }));
  const target = parseInit(spec).describe(784, 256).variance;
  assert.equal(target, 1 / 784);
  // 200704 draws: relative standard error of the variance ~ sqrt(2 / n) = 0.3%; allow 2%.
  const v = variance(kernelOf(ours, 0));
  assert.ok(Math.abs(v / target - 1) < 0.02, `initlab in TF.js: ${v} vs ${target}`);
  // TF.js 4.22's heNormal / varianceScaling({distribution: "normal"}) truncate at 2 std without the
  // 0.87962566 correction: Var = 0.7737 x the target (tfjs issue #8594). initlab's he_normal is exact.
  const theirs = build(tf.initializers.heNormal({ seed: 3 }));
  const heTarget = parseInit("he_normal").describe(784, 256).variance;
  const ratio = variance(kernelOf(theirs, 0)) / heTarget;
  assert.ok(Math.abs(ratio - 0.7737) < 0.02, `TF.js heNormal: ${ratio} of 2 / fan_in (issue #8594)`);
  const he = build(tfInitializer(tf, "he_normal", { seed: 3 }));
  const heRatio = variance(kernelOf(he, 0)) / heTarget;
  assert.ok(Math.abs(heRatio - 1) < 0.02, `initlab he_normal in TF.js: ${heRatio} of 2 / fan_in`);
  he.dispose();
  ours.dispose();
  theirs.dispose();
});

test("tfInitializer: every initlab initializer fills a TF.js [in, out] kernel; orthogonal keeps W^T W = I; same seed, same values", () => {
  for (const info of listInitializers()) {
    const spec =
      info.name === "constant" ? "constant(0.5)" : info.name === "sparse" ? "sparse(0.1)" : info.name;
    const t = tfInitializer(tf, spec, { seed: 1 }).apply([40, 30]);
    assert.deepEqual(t.shape, [40, 30], spec);
    assert.ok((t.dataSync() as Float32Array).every(Number.isFinite), spec);
    t.dispose();
  }
  const q = tfInitializer(tf, "orthogonal", { seed: 2 }).apply([64, 16]) as tf.Tensor2D;
  const gram = tf.matMul(q, q, true, false).arraySync() as number[][];
  gram.forEach((row, i) => {
    row.forEach((g, j) => {
      assert.ok(Math.abs(g - (i === j ? 1 : 0)) < 1e-5, `gram[${i}][${j}] = ${g}`);
    });
  });
  const a = tfInitializer(tf, "he_normal", { seed: 9 }).apply([5, 4]).dataSync();
  const b = tfInitializer(tf, "he_normal", { seed: 9 }).apply([5, 4]).dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.deepEqual(tfFans([3, 3, 16, 32]), { fanIn: 144, fanOut: 288 });
});

test("probeTfModel equals initlab's probeNetwork on the same weights and batch (Var(z), Var(a), Var(dL/dz), gradient norms)", () => {
  const sizes = [20, 32, 24, 5];
  const acts = ["tanh", "relu"];
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [20],
      units: 32,
      activation: "tanh",
      kernelInitializer: tfInitializer(tf, "xavier_normal", { seed: 1 }),
      biasInitializer: tfInitializer(tf, "normal(std=0.1)", { seed: 2 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 24,
      activation: "relu",
      kernelInitializer: tfInitializer(tf, "he_normal", { seed: 3 }),
    }),
  );
  model.add(
    tf.layers.dense({ units: 5, kernelInitializer: tfInitializer(tf, "xavier_uniform", { seed: 4 }) }),
  );
  const B = 64;
  const rng = Rng.derive(5, "test");
  const x = new Float32Array(B * 20);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = Int32Array.from({ length: B }, (_, i) => i % 5);
  const xt = tf.tensor2d(x, [B, 20]);
  const yt = tf.tensor1d(y, "int32");
  const got = probeTfModel(tf, model, xt, yt);

  const net = new Network({ sizes, activation: acts, init: "zeros" });
  net.layers.forEach((layer, l) => {
    const [W, b] = model.layers[l].getWeights();
    const wv = W.dataSync();
    for (let o = 0; o < layer.outDim; o++)
      for (let i = 0; i < layer.inDim; i++) layer.W[o * layer.inDim + i] = wv[i * layer.outDim + o];
    layer.b.set(b.dataSync());
  });
  const ref = probeNetwork(net, x, y, B, crossEntropy);
  assert.ok(Math.abs(got.loss - ref.loss) < 1e-5 * ref.loss, `loss ${got.loss} vs ${ref.loss}`);
  assert.deepEqual(
    got.layers.map((l) => l.activation),
    ["tanh", "relu", "linear"],
  );
  got.layers.forEach((l, i) => {
    const r = ref.layers[i];
    assert.deepEqual([l.fanIn, l.fanOut], [r.fanIn, r.fanOut]);
    for (const [a, b, what] of [
      [l.preact.var, r.preact.var, "Var(z)"],
      [l.act.var, r.act.var, "Var(a)"],
      [l.grad.var, r.grad.var, "Var(dL/dz)"],
      [l.weightStd, r.weightStd, "std(W)"],
      [l.weightGradNorm, r.weightGradNorm, "||dL/dW||"],
      [l.biasGradNorm, r.biasGradNorm, "||dL/db||"],
    ] as const) {
      assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(b), `layer ${i} ${what}: TF.js ${a} vs initlab ${b}`);
    }
  });
  tf.dispose([xt, yt]);
  model.dispose();
});
