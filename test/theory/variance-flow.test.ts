import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/tensor/rng.js";
import type { ScalarActivation } from "../../src/theory/types.js";
import {
  backwardVarianceFlow,
  type FlowLayer,
  forwardVarianceFlow,
  linearizationAtZero,
  linearizedVarianceFlow,
} from "../../src/theory/variance-flow.js";
import { erfAct, identity, relu, sigmoid, tanh } from "./activations.js";

function rel(a: number, b: number): number {
  return Math.abs(a / b - 1);
}

function net(
  widths: number[],
  act: (i: number) => ScalarActivation,
  wv: (nIn: number, nOut: number) => number,
  bv = 0,
) {
  const layers: FlowLayer[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push({
      fanIn: widths[i],
      fanOut: widths[i + 1],
      weightVar: wv(widths[i], widths[i + 1]),
      biasVar: bv,
      activation: act(i),
    });
  }
  return layers;
}

test("identity network: q_l = prod_k n_k Var(W_k) E[x^2] (+ biases), gradients by prod fanOut Var(W)", () => {
  const widths = [30, 50, 20, 40, 10];
  const vars = [0.03, 0.011, 0.07, 0.02];
  const layers = widths.slice(0, -1).map((n, i) => ({
    fanIn: n,
    fanOut: widths[i + 1],
    weightVar: vars[i],
    activation: identity,
  }));
  const f = forwardVarianceFlow(layers, 2.5);
  let q = 2.5;
  f.layers.forEach((l, i) => {
    q *= widths[i] * vars[i];
    assert.ok(rel(l.preactVar, q) < 1e-14 && rel(l.actSecond, q) < 1e-14 && rel(l.actVar, q) < 1e-13);
    assert.ok(Math.abs(l.derivSecond - 1) < 1e-14);
  });
  const withBias = forwardVarianceFlow(
    layers.map((l) => ({ ...l, biasVar: 0.1 })),
    2.5,
  );
  let qb = 2.5;
  withBias.layers.forEach((l, i) => {
    qb = widths[i] * vars[i] * qb + 0.1;
    assert.ok(rel(l.preactVar, qb) < 1e-14);
  });
  const b = backwardVarianceFlow(layers, f, 0.7);
  let g = 0.7;
  for (let i = layers.length - 1; i >= 0; i--) {
    assert.ok(rel(b.layers[i].gradPreactVar, g) < 1e-14, `layer ${i}`);
    g *= widths[i + 1] * vars[i];
  }
  assert.ok(rel(b.inputGradVar, g) < 1e-14);
});

test("relu with He (Var = 2/fan_in) keeps q constant exactly; with square layers chi = 1 exactly", () => {
  const layers = net(
    [64, 64, 64, 64, 64, 64, 64],
    () => relu,
    (nIn) => 2 / nIn,
  );
  const f = forwardVarianceFlow(layers, 0.8);
  for (const l of f.layers) {
    assert.ok(rel(l.preactVar, 1.6) < 1e-14); // q_1 = n (2/n) 0.8, then n (2/n) q/2 = q
    assert.ok(rel(l.actSecond, 0.8) < 1e-14);
    assert.ok(Math.abs(l.derivSecond - 0.5) < 1e-14);
  }
  const b = backwardVarianceFlow(layers, f, 1);
  for (let i = 0; i < layers.length - 1; i++) assert.ok(Math.abs(b.layers[i].chi - 1) < 1e-14);
});

test("sigmoid: the pre-activation variance uses E[a^2] = Var(a) + E[a]^2, not Var(a)", () => {
  const layers = net(
    [100, 100, 100],
    () => sigmoid,
    (nIn) => 1 / nIn,
  );
  const f = forwardVarianceFlow(layers, 1);
  const l1 = f.layers[0];
  assert.ok(Math.abs(l1.actMean - 0.5) < 1e-14);
  assert.ok(Math.abs(l1.actSecond - (l1.actVar + 0.25)) < 1e-14);
  assert.ok(rel(f.layers[1].preactVar, l1.actSecond) < 1e-14); // n Var(W) = 1
  assert.ok(f.layers[1].preactVar > 6 * l1.actVar); // Var(a) alone would predict 0.043, not 0.293
});

test("per-example input: exact for erf(a x) (Williams closed form), differs from batch-average-first by Jensen", () => {
  const a = 1.2;
  const h = (q: number) => (2 / Math.PI) * Math.asin((2 * a * a * q) / (1 + 2 * a * a * q)); // E[erf(a z)^2]
  const d = (q: number) => (4 * a * a) / Math.PI / Math.sqrt(1 + 4 * a * a * q); // E[erf'(a z)^2]
  const m = [0.2, 1.8, 0.2, 1.8]; // non-isotropic: mean 1
  const layers = net(
    [50, 40, 30, 10],
    (i) => (i < 2 ? erfAct(a) : identity),
    (nIn) => 1.5 / nIn,
    0.02,
  );
  const per = forwardVarianceFlow(layers, m);
  const batch = forwardVarianceFlow(layers, 1);
  // exact, per example
  const q1 = m.map((x) => 1.5 * x + 0.02);
  const q2 = q1.map((q) => 1.5 * h(q) + 0.02);
  const q3 = q2.map((q) => 1.5 * h(q) + 0.02);
  const avg = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  assert.ok(rel(per.layers[0].preactVar, avg(q1)) < 1e-13);
  assert.ok(rel(per.layers[1].preactVar, avg(q2)) < 1e-13);
  assert.ok(rel(per.layers[2].preactVar, avg(q3)) < 1e-13);
  assert.ok(rel(per.layers[0].actSecond, avg(q1.map(h))) < 1e-13);
  // q -> E[erf(a sqrt(q) z)^2] is concave: propagating the average first overestimates
  assert.ok(Math.abs(per.layers[0].preactVar - batch.layers[0].preactVar) < 1e-14); // layer 1 is linear in m
  assert.ok(batch.layers[1].preactVar > per.layers[1].preactVar * 1.05);
  // backward, per example: mean over e of v * prod (fanOut Var(W) E[phi'^2 | q_l(e)])
  const b = backwardVarianceFlow(layers, per, 2);
  const grads = b.layers;
  // fanOut_{l+1} Var(W_{l+1}) = fanOut * 1.5 / fanIn
  const f3 = (10 * 1.5) / 30;
  const f2 = (30 * 1.5) / 40;
  const exact0 = avg(q1.map((q, e) => 2 * f3 * d(q2[e]) * f2 * d(q)));
  assert.ok(rel(grads[0].gradPreactVar, exact0) < 1e-13, `${grads[0].gradPreactVar} vs ${exact0}`);
  // and it is not the product of the averages
  const productOfMeans = 2 * f3 * avg(q2.map(d)) * f2 * avg(q1.map(d));
  assert.ok(rel(grads[0].gradPreactVar, productOfMeans) > 1e-3);
});

test("tanh: batch-average-first overestimates deeper layers for a non-isotropic input; relu: no difference", () => {
  const m = [0.1, 0.1, 0.1, 2.7]; // mean 0.75
  const tanhNet = net(
    [784, 256, 256, 10],
    (i) => (i < 2 ? tanh : identity),
    (nIn) => 1 / nIn,
  );
  const per = forwardVarianceFlow(tanhNet, m).layers;
  const batch = forwardVarianceFlow(tanhNet, 0.75).layers;
  assert.ok(batch[1].preactVar > 1.1 * per[1].preactVar, `${batch[1].preactVar} vs ${per[1].preactVar}`);
  const reluNet = net(
    [784, 256, 256, 10],
    (i) => (i < 2 ? relu : identity),
    (nIn) => 2 / nIn,
  );
  const pr = forwardVarianceFlow(reluNet, m).layers;
  const br = forwardVarianceFlow(reluNet, 0.75).layers;
  for (let i = 0; i < 3; i++) assert.ok(rel(pr[i].preactVar, br[i].preactVar) < 1e-14);
});

test("linearized flow: exact for the identity, ~2q off for tanh at small q, a factor ~2.5 at q = 1", () => {
  const widths = [40, 40, 40];
  const lin = (slope: number, offset: number) =>
    widths.slice(0, -1).map((n) => ({ fanIn: n, fanOut: n, weightVar: 1 / n, slope, offset }));
  const idExact = forwardVarianceFlow(
    net(
      widths,
      () => identity,
      (n) => 1 / n,
    ),
    0.3,
  );
  const idLin = linearizedVarianceFlow(lin(1, 0), 0.3);
  idLin.layers.forEach((l, i) => {
    assert.ok(rel(l.preactVar, idExact.layers[i].preactVar) < 1e-14);
  });
  const t = linearizationAtZero(tanh);
  assert.deepEqual(t, { slope: 1, offset: 0 });
  for (const [q, lo, hi] of [
    [0.01, 0.015, 0.025],
    [1, 1.4, 1.6],
  ]) {
    const exact = forwardVarianceFlow(
      net(
        widths,
        () => tanh,
        (n) => 1 / n,
      ),
      q,
    ).layers[0].actSecond;
    const approx = linearizedVarianceFlow(lin(t.slope, t.offset), q).layers[0].actSecond;
    const err = approx / exact - 1;
    assert.ok(err > lo && err < hi, `q=${q}: linear ${approx} vs exact ${exact}`);
  }
  // sigmoid ~ 1/2 + x/4: E[a^2] ~ 1/4 + q/16, within 7% of the exact value up to q = 1
  const s = linearizationAtZero(sigmoid);
  assert.ok(Math.abs(s.slope - 0.25) < 1e-15 && s.offset === 0.5);
  const exactS = forwardVarianceFlow(
    net(
      widths,
      () => sigmoid,
      (n) => 1 / n,
    ),
    1,
  ).layers[0].actSecond;
  const approxS = linearizedVarianceFlow(lin(s.slope, s.offset), 1).layers[0].actSecond;
  assert.ok(rel(approxS, exactS) < 0.07 && rel(approxS, 0.25 + 1 / 16) < 1e-15);
  // backward: factor n_out Var(W) s^2 = 1/16 per sigmoid layer
  const b = linearizedVarianceFlow(lin(s.slope, s.offset), 1, 1);
  assert.ok(Math.abs(b.layers[0].gradPreactVar - 1 / 16) < 1e-15);
});

test("a wide random tanh network measures what forwardVarianceFlow predicts per example (seeded simulation)", () => {
  // width 1000, 6 tanh layers, sigma_w^2 = 2, sigma_b^2 = 0.05, 16 examples of very different norms
  const n = 1000;
  const depth = 6;
  const B = 16;
  const rng = new Rng(20240611);
  let x: Float64Array[] = [];
  const mPer: number[] = [];
  for (let e = 0; e < B; e++) {
    const r = e % 2 === 0 ? 0.3 : 2.0;
    const v = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) {
      v[i] = r * rng.normal();
      s += v[i] * v[i];
    }
    x.push(v);
    mPer.push(s / n);
  }
  const layers = net(
    new Array(depth + 1).fill(n),
    () => tanh,
    (nIn) => 2 / nIn,
    0.05,
  );
  const predicted = forwardVarianceFlow(layers, mPer).layers;
  const batchFirst = forwardVarianceFlow(layers, mPer.reduce((a, b) => a + b, 0) / B).layers;
  const W = new Float64Array(n * n);
  const bias = new Float64Array(n);
  for (let l = 0; l < depth; l++) {
    const sw = Math.sqrt(2 / n);
    for (let k = 0; k < n * n; k++) W[k] = sw * rng.normal();
    for (let i = 0; i < n; i++) bias[i] = Math.sqrt(0.05) * rng.normal();
    let sumZ2 = 0;
    const next: Float64Array[] = [];
    for (const a of x) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let z = bias[i];
        const row = i * n;
        for (let j = 0; j < n; j++) z += W[row + j] * a[j];
        sumZ2 += z * z;
        out[i] = Math.tanh(z);
      }
      next.push(out);
    }
    x = next;
    const measured = sumZ2 / (n * B);
    // finite width: relative fluctuations ~ sqrt(2/n) per example, averaged over 16: ~1.5%; allow 6%
    assert.ok(
      rel(measured, predicted[l].preactVar) < 0.06,
      `layer ${l}: ${measured} vs ${predicted[l].preactVar}`,
    );
    if (l === 1) {
      // the batch-average-first prediction is off by more than the tolerance here
      assert.ok(
        rel(measured, batchFirst[l].preactVar) > 0.1,
        `layer 1 batch-first ${batchFirst[l].preactVar}`,
      );
    }
  }
});

test("inconsistent layers and bad inputs throw a RangeError naming the value", () => {
  const layers = net(
    [10, 20, 5],
    () => relu,
    (n) => 1 / n,
  );
  assert.throws(
    () => forwardVarianceFlow([layers[0], { ...layers[1], fanIn: 7 }], 1),
    /fanIn 7 does not match the fanOut 20/,
  );
  assert.throws(() => forwardVarianceFlow(layers, [1, -1]), /\[1\] must be finite and >= 0, got -1/);
  assert.throws(() => forwardVarianceFlow([], 1), /at least one layer/);
  const f = forwardVarianceFlow(layers, [1, 2]);
  assert.throws(() => backwardVarianceFlow(layers, f, [1, 2, 3]), /3 entries/);
});
