import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/errors.js";
import { orthogonal } from "../../src/init/orthogonal.js";
import { singularValues } from "../../src/math/singular-values.js";
import { Network } from "../../src/nn/network.js";
import { jacobianAt, jacobianCost, jacobianSpectrum } from "../../src/probe/jacobian.js";
import { Rng } from "../../src/tensor/rng.js";
import {
  criticalPointForQ,
  criticalSpectrum,
  derivativeMoments,
  jacobianSpectrumMoments,
} from "../../src/theory/jacobian-spectrum.js";

const tanh = { f: Math.tanh, df: (u: number) => 1 - Math.tanh(u) ** 2 };

function gaussianRows(rows: number, cols: number, seed: number): Float64Array {
  const rng = Rng.derive(seed, "test");
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return x;
}

test("singularValues: U diag(s) V^T with Haar U, V gives back s (1e-12 of s_max + 1e-10 relative, down to 1e-3; a tall matrix; sum of squares = Frobenius)", () => {
  const m = 12;
  const n = 20;
  const U = new Float64Array(m * m);
  const V = new Float64Array(n * n);
  orthogonal().fill(U, { rows: m, cols: m, fanIn: m, fanOut: m }, Rng.derive(1, "u"));
  orthogonal().fill(V, { rows: n, cols: n, fanIn: n, fanOut: n }, Rng.derive(1, "v"));
  const s = Array.from({ length: m }, (_, i) => 10 ** (2 - i / 2));
  const A = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let k = 0; k < m; k++) v += U[i * m + k] * s[k] * V[k * n + j];
      A[i * n + j] = v;
    }
  const r = singularValues(A, m, n);
  assert.ok(r.converged);
  // A itself carries rounding of ~1e-16 s_max per entry: the bound is absolute at that scale, relative above it
  const close = (v: number, k: number) => Math.abs(v - s[k]) < 1e-12 * s[0] + 1e-10 * s[k];
  for (let k = 0; k < m; k++) assert.ok(close(r.values[k], k), `s_${k} ${r.values[k]} vs ${s[k]}`);
  const At = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) At[j * m + i] = A[i * n + j];
  const rt = singularValues(At, n, m);
  for (let k = 0; k < m; k++) assert.ok(close(rt.values[k], k));
  // sum of s^2 = Frobenius norm^2 of a random matrix
  const G = gaussianRows(7, 9, 3);
  let fro = 0;
  for (const v of G) fro += v * v;
  const sg = singularValues(G, 7, 9).values;
  assert.ok(Math.abs(sg.reduce((a, v) => a + v * v, 0) / fro - 1) < 1e-12);
});

test("jacobianAt: equals central finite differences of the network (float64, tanh, both ends)", () => {
  const net = new Network(
    { sizes: [5, 6, 6, 4], activation: "tanh", init: "xavier_normal", biasInit: "normal(std=0.1)" },
    { dtype: "float64" },
  ).initialize(3);
  const x = gaussianRows(2, 5, 9);
  for (const [lo, hi] of [
    [0, 2],
    [1, 1],
    [0, 1],
  ]) {
    const { J } = jacobianAt(net, x, 1, lo, hi);
    const rows = net.layers[hi].outDim;
    const cols = net.layers[lo].inDim;
    // output of layer hi as a function of layer lo's input, evaluated by the layers' forward
    const f = (inp: Float64Array) => {
      let h: Float64Array = inp;
      for (let l = lo; l <= hi; l++) h = Float64Array.from(net.layers[l].forward(h, 1));
      return h;
    };
    let base = Float64Array.from(x.subarray(5, 10));
    for (let l = 0; l < lo; l++) base = Float64Array.from(net.layers[l].forward(base, 1));
    const eps = 1e-6;
    for (let j = 0; j < cols; j++) {
      const p = Float64Array.from(base);
      const m = Float64Array.from(base);
      p[j] += eps;
      m[j] -= eps;
      const fp = f(p);
      const fm = f(m);
      for (let r = 0; r < rows; r++) {
        const fd = (fp[r] - fm[r]) / (2 * eps);
        assert.ok(
          Math.abs(J[r * cols + j] - fd) < 1e-8,
          `J[${r},${j}] ${J[r * cols + j]} vs ${fd} (${lo}..${hi})`,
        );
      }
    }
  }
});

test("bar: an orthogonal linear network, 32 layers of width 256: every singular value within 1e-4 of 1", () => {
  const net = new Network({
    sizes: [256, ...new Array(33).fill(256), 10],
    activation: "identity",
    init: "orthogonal",
  }).initialize(1);
  const x = gaussianRows(1, 256, 2);
  const spec = jacobianSpectrum(net, Float32Array.from(x), 1, { inputs: 1 });
  assert.equal(spec.depth, 32);
  assert.equal(spec.singularValues.length, 256);
  for (const s of spec.singularValues) assert.ok(Math.abs(s - 1) < 1e-4, `singular value ${s}`);
  assert.ok(Math.abs(spec.theory!.meanSquare - 1) < 1e-12);
  assert.ok(Math.abs(spec.theory!.variance) < 1e-12);
  // the same from the input through the logits (784-style wide first layer, 10-unit read-out)
  const all = jacobianSpectrum(net, Float32Array.from(x), 1, { inputs: 1, from: "input", to: "logits" });
  assert.equal(all.singularValues.length, 10);
  for (const s of all.singularValues) assert.ok(Math.abs(s - 1) < 1e-4);
});

test("bar: tanh at the critical point (q* = 1/64): orthogonal within 10% of the theory; Gaussian inside its band over instances", () => {
  const N = 96;
  const { sigmaW2, sigmaB2 } = criticalPointForQ(tanh, 1 / 64);
  // inputs: each row scaled to mean square (q* - sigma_b^2) / sigma_w^2, so the first layer starts at q*
  const raw = gaussianRows(2, N, 5);
  const x = new Float32Array(2 * N);
  for (let r = 0; r < 2; r++) {
    let ms = 0;
    for (let k = 0; k < N; k++) ms += raw[r * N + k] ** 2 / N;
    const f = Math.sqrt((1 / 64 - sigmaB2) / sigmaW2 / ms);
    for (let k = 0; k < N; k++) x[r * N + k] = raw[r * N + k] * f;
  }
  const build = (init: string, seed: number) =>
    new Network({
      sizes: [N, ...new Array(25).fill(N), 10],
      activation: "tanh",
      init,
      biasInit: `normal(std=${Math.sqrt(sigmaB2)})`,
    }).initialize(seed);
  const orth = jacobianSpectrum(build(`orthogonal(gain=${Math.sqrt(sigmaW2)})`, 7), x, 2, { inputs: 2 });
  const to = orth.theory!;
  assert.ok(Math.abs(to.meanSquare - 1) < 0.02, `theory m1 ${to.meanSquare}`);
  assert.ok(
    Math.abs(orth.meanSquare / to.meanSquare - 1) < 0.1,
    `measured ${orth.meanSquare} vs ${to.meanSquare}`,
  );
  assert.ok(Math.abs(orth.variance / to.variance - 1) < 0.3, `Var(s^2) ${orth.variance} vs ${to.variance}`);
  assert.ok(orth.max < 1.5 && orth.min > 0.3, `orthogonal tanh [${orth.min}, ${orth.max}]`);
  // Gaussian: at depth 24 and width 96 one instance's mean s^2 is not concentrated (its standard error is
  // about sqrt(Var(s^2) / N) ~ 0.5), so the bar is the theory inside the t band of the mean over 6 instances.
  const ratios: number[] = [];
  let minVar = Number.POSITIVE_INFINITY;
  for (let seed = 1; seed <= 6; seed++) {
    const g = jacobianSpectrum(build(`normal(std=${Math.sqrt(sigmaW2 / N)})`, seed), x, 2, { inputs: 2 });
    ratios.push(g.meanSquare / g.theory!.meanSquare);
    assert.ok(g.theory!.normalizedVariance > 24);
    minVar = Math.min(minVar, g.variance);
  }
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / (ratios.length - 1));
  const half = (2.5705818366147395 * sd) / Math.sqrt(ratios.length); // t_{0.975, 5}
  assert.ok(Math.abs(mean - 1) <= half, `Gaussian mean s^2 / theory ${mean} +- ${half}`);
  assert.ok(minVar > 20 * orth.variance, `Gaussian Var(s^2) ${minVar} vs orthogonal ${orth.variance}`);
});

test("theory: Monte Carlo of Gaussian and orthogonal linear products matches m1 = 1 and variance L (Gaussian), 0 (orthogonal)", () => {
  const id = { f: (u: number) => u, df: () => 1 };
  const L = 4;
  const g = jacobianSpectrumMoments(new Array(L).fill({ sigmaW2: 1, ensemble: "gaussian", act: id }), 1, 0);
  assert.equal(g.meanSquare, 1);
  assert.equal(g.variance, L);
  // Fuss-Catalan: the product of L Gaussian N x N matrices has m2 = L + 1 as N -> infinity.
  const N = 120;
  const net = new Network(
    {
      sizes: [N, ...new Array(L + 2).fill(N)],
      activation: "identity",
      init: `normal(std=${1 / Math.sqrt(N)})`,
    },
    { dtype: "float64" },
  ).initialize(11);
  const spec = jacobianSpectrum(net, gaussianRows(1, N, 1), 1, { inputs: 1 });
  assert.equal(spec.depth, L);
  // finite-N fluctuation of the variance of the empirical spectrum is O(L / sqrt(N)) here: 15% tolerance
  assert.ok(Math.abs(spec.variance / L - 1) < 0.15, `variance ${spec.variance} vs ${L}`);
  assert.ok(Math.abs(spec.meanSquare - 1) < 0.05);
});

test("theory: the closed forms at criticality; relu cannot be isometric; tanh at small q* nearly is", () => {
  const relu = { f: (u: number) => Math.max(0, u), df: (u: number) => (u > 0 ? 1 : 0) };
  // relu at sigma_w^2 = 2, sigma_b = 0: every q is a fixed point (marginal), chi = 1 and mu_2 / mu_1^2 = 2
  const r = criticalSpectrum(relu, 2, 0, 100, "orthogonal");
  assert.ok(Math.abs(r.chi - 1) < 1e-9);
  assert.ok(Math.abs(r.ratio - 2) < 1e-9);
  assert.ok(Math.abs(r.variance - 100) < 1e-6);
  const { sigmaW2, sigmaB2 } = criticalPointForQ(tanh, 1 / 64);
  const t = criticalSpectrum(tanh, sigmaW2, sigmaB2, 100, "orthogonal");
  assert.ok(Math.abs(t.qStar - 1 / 64) < 1e-9, `q* ${t.qStar}`);
  assert.ok(Math.abs(t.chi - 1) < 1e-9);
  const { mu1, mu2 } = derivativeMoments(tanh, 1 / 64);
  assert.ok(Math.abs(t.variance - 100 * (mu2 / mu1 ** 2 - 1)) < 1e-9);
  assert.ok(t.variance < 5);
  const tg = criticalSpectrum(tanh, sigmaW2, sigmaB2, 100, "gaussian");
  assert.ok(tg.variance > 100);
});

test("jacobianCost: states the size and refuses beyond the limit with a UserError naming the cost", () => {
  const net = new Network({ sizes: [20, 30, 30, 30, 5], activation: "tanh", init: "orthogonal" }).initialize(
    1,
  );
  const c = jacobianCost(net, { inputs: 2 });
  assert.deepEqual([c.lo, c.hi, c.depth, c.rows, c.cols, c.inputs], [1, 2, 2, 30, 30, 2]);
  assert.throws(
    () => jacobianSpectrum(net, new Float32Array(40), 2, { maxCost: 10 }),
    (e) => e instanceof UserError && /flops/.test(e.message),
  );
  const shallow = new Network({ sizes: [20, 30, 5], activation: "tanh", init: "orthogonal" }).initialize(1);
  assert.throws(() => jacobianCost(shallow), UserError);
  assert.equal(jacobianCost(shallow, { from: "input" }).depth, 1);
});

test("residual + BatchNorm / LayerNorm networks: J from the input equals finite differences (BatchNorm in eval mode); first-hidden refused", () => {
  for (const norm of ["batch", "layer"] as const) {
    const net = new Network(
      {
        sizes: [5, 6, 6, 6, 6, 3],
        activation: "tanh",
        init: "xavier_normal",
        biasInit: "normal(std=0.1)",
        architecture: {
          residual: 1,
          branchScale: "const",
          branchConst: 0.7,
          norm,
          normPlace: "pre",
          branchInit: "standard",
        },
      },
      { dtype: "float64" },
    ).initialize(5);
    const x = gaussianRows(1, 5, 4);
    const hi = net.layers.length - 2;
    const { J } = jacobianAt(net, x, 0, 0, hi);
    assert.equal(net.mode, "probe");
    const f = (inp: Float64Array) => {
      const mode = net.mode;
      net.mode = "eval";
      let h: Float64Array = inp;
      for (let l = 0; l <= hi; l++) h = Float64Array.from(net.layers[l].forward(h, 1));
      net.mode = mode;
      return h;
    };
    const eps = 1e-6;
    for (let j = 0; j < 5; j++) {
      const p = Float64Array.from(x);
      const m = Float64Array.from(x);
      p[j] += eps;
      m[j] -= eps;
      const fp = f(p);
      const fm = f(m);
      for (let r = 0; r < 6; r++) {
        const fd = (fp[r] - fm[r]) / (2 * eps);
        assert.ok(Math.abs(J[r * 5 + j] - fd) < 1e-7, `${norm}: J[${r},${j}] ${J[r * 5 + j]} vs ${fd}`);
      }
    }
    const s = jacobianSpectrum(net, x, 1, { inputs: 1 });
    assert.equal(s.from, "input");
    assert.equal(s.theory, null);
    assert.throws(() => jacobianCost(net, { from: "first-hidden" }), UserError);
  }
});
