// The element-wise kernels (fused bias + activation, activation derivatives, sums of squares, SGD
// and Adam updates) on every backend, against independent truth:
// - sigmoid and tanh forward against the double-precision functions of the Math library, within
//   2 float32 ulps of the true value (measured worst case of the vector approximations: 1.5 ulp),
//   plus 1e-38 absolute (below e^-87 the kernels return ~6e-39 instead of a subnormal);
// - relu and leaky_relu forward, every backward, and the SGD and Adam updates bit for bit against
//   the double-precision formula written out here, rounded once to float32 (Math.fround), which is
//   what the kernels document;
// - sums of squares against a sequential double sum, to 1e-12 relative (only the order differs).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Backend, KernelActivation } from "../../src/kernels/backend.js";
import { candidates, onBackend, randomArray } from "./backends.js";

const f = Math.fround;
const sigmoidTrue = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const FLT_MIN = 1.1754943508222875e-38;

/** Inputs that reach every branch: zeros, tiny values, the tanh switch at 0.625, saturation, NaN, Inf. */
const SPECIAL = [
  0,
  -0,
  1e-8,
  -1e-8,
  0.5,
  -0.5,
  0.624,
  -0.624,
  0.626,
  -0.626,
  1,
  -1,
  3,
  -3,
  9,
  -9,
  20,
  -20,
  87,
  -87,
  88.5,
  -88.5,
  100,
  -100,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** Lengths that cover the vector bodies and every scalar tail (multiples of 8, 4, 2, and odd). */
const LENGTHS = [1, 2, 3, 5, 7, 8, 9, 17, 1001];

function inputs(n: number, seed: string, scale: number): Float32Array {
  const x = randomArray(n, seed);
  for (let i = 0; i < n; i++) x[i] *= scale;
  return x;
}

for (const cand of candidates()) {
  describe(`element-wise kernels on ${cand.label}`, { skip: cand.reason ?? false }, () => {
    let be: Backend;
    before(async () => {
      be = await cand.create();
    });
    after(() => be?.dispose());

    test("sigmoid and tanh forward are within 2 ulps of the double-precision functions", () => {
      const rows = 7;
      const cols = 37; // odd: vector body and tail in every row
      for (const act of ["sigmoid", "tanh"] as const) {
        const truth = act === "sigmoid" ? sigmoidTrue : Math.tanh;
        const z0 = inputs(rows * cols, `z ${act}`, 12);
        z0.set(SPECIAL.map(f));
        const b = inputs(cols, `b ${act}`, 2);
        const z = onBackend(be, z0);
        const a = onBackend(be, new Float32Array(rows * cols));
        be.biasActivation(z, onBackend(be, b), a, rows, cols, act, 0);
        for (let i = 0; i < rows * cols; i++) {
          const zi = f(z0[i] + b[i % cols]);
          assert.equal(z[i], zi, `${act}: z + b at ${i}`);
          const t = truth(zi);
          const tol = 2 * 2 ** -23 * Math.max(Math.abs(t), FLT_MIN) + 1e-38;
          assert.ok(Math.abs(a[i] - t) <= tol, `${act}(${zi}) = ${a[i]}, true ${t}`);
        }
      }
    });

    test("NaN stays NaN through sigmoid and tanh; relu maps NaN to 0 like the reference", () => {
      const z = onBackend(be, Float32Array.from([Number.NaN, 1, Number.NaN, -1, Number.NaN]));
      for (const act of ["sigmoid", "tanh", "relu"] as const) {
        const zz = onBackend(be, z);
        const a = onBackend(be, new Float32Array(5));
        be.biasActivation(zz, onBackend(be, new Float32Array(5)), a, 1, 5, act, 0);
        for (const i of [0, 2, 4]) {
          if (act === "relu") assert.equal(a[i], 0);
          else assert.ok(Number.isNaN(a[i]), `${act}(NaN) = ${a[i]}`);
        }
      }
    });

    test("identity, relu and leaky_relu forward are exact (a separate or the same buffer)", () => {
      for (const n of LENGTHS) {
        const cols = n;
        const rows = 3;
        const z0 = inputs(rows * cols, `zr ${n}`, 4);
        const b = inputs(cols, `br ${n}`, 1);
        for (const [act, p] of [
          ["identity", 0],
          ["relu", 0],
          ["leaky_relu", 0.01],
          ["leaky_relu", -0.3],
        ] as [KernelActivation, number][]) {
          const z = onBackend(be, z0);
          const a = act === "identity" ? z : onBackend(be, new Float32Array(rows * cols));
          be.biasActivation(z, onBackend(be, b), a, rows, cols, act, p);
          for (let i = 0; i < rows * cols; i++) {
            const v = f(z0[i] + b[i % cols]);
            const want = act === "identity" ? v : v > 0 ? v : act === "relu" ? 0 : f(p * v);
            assert.equal(a[i], want, `${act}(${p}) n=${n} at ${i}`);
          }
        }
      }
    });

    test("every backward equals dA phi'(z), in double, rounded once", () => {
      for (const n of LENGTHS) {
        const z = inputs(n, `bz ${n}`, 3);
        const dA = inputs(n, `bd ${n}`, 5);
        const sig = z.map(sigmoidTrue);
        const th = z.map(Math.tanh);
        const cases: [KernelActivation, number, Float32Array, (i: number) => number][] = [
          ["identity", 0, z, (i) => dA[i]],
          ["relu", 0, z, (i) => (z[i] > 0 ? dA[i] : 0)],
          ["leaky_relu", 0.2, z, (i) => (z[i] > 0 ? dA[i] : f(dA[i] * 0.2))],
          ["sigmoid", 0, sig, (i) => f(dA[i] * (sig[i] * (1 - sig[i])))],
          ["tanh", 0, th, (i) => f(dA[i] * (1 - th[i] * th[i]))],
        ];
        for (const [act, p, a, want] of cases) {
          const dZ = onBackend(be, new Float32Array(n).fill(Number.NaN));
          be.activationBackward(onBackend(be, z), onBackend(be, a), onBackend(be, dA), dZ, n, act, p);
          for (let i = 0; i < n; i++) assert.equal(dZ[i], want(i), `${act} n=${n} at ${i}`);
        }
      }
    });

    test("sumSquares equals the sequential double sum to 1e-12", () => {
      for (const n of [...LENGTHS, 100_003]) {
        const x = inputs(n, `ss ${n}`, 7);
        let want = 0;
        for (let i = 0; i < n; i++) want += x[i] * x[i];
        const got = be.sumSquares(onBackend(be, x), n);
        assert.ok(Math.abs(got - want) <= 1e-12 * want, `n=${n}: ${got} vs ${want}`);
      }
      assert.equal(be.sumSquares(onBackend(be, Float32Array.from([1, Number.NaN])), 2), Number.NaN);
    });

    test("shiftedSums equal the sequential double sums of x - shift to 1e-12; NaN propagates", () => {
      for (const n of [...LENGTHS, 100_003]) {
        const x = inputs(n, `sh ${n}`, 3);
        for (let i = 0; i < n; i++) x[i] += 0.5; // a mean that dominates, as for sigmoid outputs
        const K = x[0];
        let s1 = 0;
        let s2 = 0;
        for (let i = 0; i < n; i++) {
          s1 += x[i] - K;
          s2 += (x[i] - K) ** 2;
        }
        const out = new Float64Array(2);
        be.shiftedSums(onBackend(be, x), n, K, out);
        assert.ok(
          Math.abs(out[0] - s1) <= 1e-12 * s2 ** 0.5 * n ** 0.5 + 1e-300,
          `n=${n}: sum ${out[0]} vs ${s1}`,
        );
        assert.ok(Math.abs(out[1] - s2) <= 1e-12 * s2, `n=${n}: sum of squares ${out[1]} vs ${s2}`);
      }
      const out = new Float64Array(2);
      be.shiftedSums(onBackend(be, Float32Array.from([1, 2, Number.NaN, 4, 5])), 5, 1, out);
      assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[1]));
    });

    test("SGD steps follow torch.optim.SGD in double, rounded to float32 at each store", () => {
      const settings = [
        { momentum: 0, weightDecay: 0, nesterov: false },
        { momentum: 0.9, weightDecay: 0, nesterov: false },
        { momentum: 0.9, weightDecay: 1e-3, nesterov: true },
      ];
      for (const n of LENGTHS) {
        for (const s of settings) {
          const w0 = inputs(n, `w ${n}`, 1);
          const w = onBackend(be, w0);
          const v = s.momentum > 0 ? onBackend(be, new Float32Array(n)) : null;
          const ww = Float32Array.from(w0);
          const vv = new Float32Array(n);
          for (let step = 0; step < 3; step++) {
            const g = inputs(n, `g ${n} ${step}`, 0.5);
            const o = { ...s, lr: 0.05, first: step === 0 };
            const sq = be.sgdStep(w, onBackend(be, g), v, n, o);
            let wantSq = 0;
            for (let i = 0; i < n; i++) {
              let gi = g[i] + s.weightDecay * ww[i];
              if (s.momentum > 0) {
                vv[i] = step === 0 ? gi : s.momentum * vv[i] + gi;
                gi = s.nesterov ? gi + s.momentum * vv[i] : vv[i];
              }
              const u = 0.05 * gi;
              ww[i] = ww[i] - u;
              wantSq += u * u;
            }
            assert.deepEqual(w, ww, `w after step ${step}, n=${n}, ${JSON.stringify(s)}`);
            if (v) assert.deepEqual(v, vv, `v after step ${step}`);
            assert.ok(Math.abs(sq - wantSq) <= 1e-12 * wantSq, `sum of squared updates ${sq} vs ${wantSq}`);
          }
        }
      }
    });

    test("Adam steps follow Kingma & Ba's Algorithm 1 in double, rounded to float32 at each store", () => {
      for (const n of LENGTHS) {
        const w0 = inputs(n, `aw ${n}`, 1);
        const w = onBackend(be, w0);
        const m = onBackend(be, new Float32Array(n));
        const v = onBackend(be, new Float32Array(n));
        const ww = Float32Array.from(w0);
        const mm = new Float32Array(n);
        const vv = new Float32Array(n);
        const [b1, b2, eps, wd, lr] = [0.9, 0.999, 1e-8, 1e-4, 1e-3];
        for (let t = 1; t <= 3; t++) {
          const g = inputs(n, `ag ${n} ${t}`, 0.5);
          const c1 = 1 - b1 ** t;
          const c2 = 1 - b2 ** t;
          const sq = be.adamStep(w, onBackend(be, g), m, v, n, {
            lr,
            beta1: b1,
            beta2: b2,
            eps,
            weightDecay: wd,
            c1,
            c2,
          });
          let wantSq = 0;
          for (let i = 0; i < n; i++) {
            const gi = g[i] + wd * ww[i];
            mm[i] = b1 * mm[i] + (1 - b1) * gi;
            vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
            const u = (lr * (mm[i] / c1)) / (Math.sqrt(vv[i] / c2) + eps);
            ww[i] = ww[i] - u;
            wantSq += u * u;
          }
          assert.deepEqual(w, ww, `w after step ${t}, n=${n}`);
          assert.deepEqual(m, mm, `m after step ${t}`);
          assert.deepEqual(v, vv, `v after step ${t}`);
          assert.ok(Math.abs(sq - wantSq) <= 1e-12 * wantSq, `sum of squared updates ${sq} vs ${wantSq}`);
        }
      }
    });

    test("Float64Arrays are computed in double (the reference path)", () => {
      const z = Float64Array.from([0.1, -2, 3]);
      const a = new Float64Array(3);
      be.biasActivation(z, new Float64Array(3), a, 1, 3, "tanh", 0);
      assert.deepEqual(Array.from(a), [0.1, -2, 3].map(Math.tanh));
      const w = Float64Array.from([1, 2]);
      be.sgdStep(w, Float64Array.from([0.1, 0.2]), null, 2, {
        lr: 0.1,
        momentum: 0,
        weightDecay: 0,
        nesterov: false,
        first: true,
      });
      assert.deepEqual(Array.from(w), [1 - 0.1 * 0.1, 2 - 0.1 * 0.2]);
    });

    if (cand.family !== "ts") {
      test("arrays shorter than n are refused with a RangeError naming the array", () => {
        const short = onBackend(be, new Float32Array(3));
        const long = onBackend(be, new Float32Array(8));
        assert.throws(() => be.biasActivation(short, long, long, 2, 4, "relu", 0), RangeError);
        assert.throws(() => be.sumSquares(short, 8), RangeError);
        assert.throws(
          () =>
            be.sgdStep(long, short, null, 8, {
              lr: 1,
              momentum: 0,
              weightDecay: 0,
              nesterov: false,
              first: true,
            }),
          /grad/,
        );
      });
    }
  });
}
