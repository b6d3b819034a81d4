// The float32-or-fallback dispatch the native and wasm backends share (FastPathBackend): a backend
// whose kernels only record their calls shows which path each method takes. Operands the backend
// "owns" reach its kernels; any other operand sends the whole call to the TypeScript reference,
// whose results the fallback must reproduce exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AdamStepArgs, FloatArray, SgdStepArgs } from "../../src/kernels/backend.js";
import { type FastKernels, FastPathBackend } from "../../src/kernels/fast-path-backend.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { randomArray } from "./backends.js";

/** Kernels that record each call as "name:arg,arg" (arrays as their tag) and return a marker. */
class RecordingBackend extends FastPathBackend<string> {
  readonly name = "wasm" as const;
  readonly threads = 1;
  readonly calls: string[] = [];
  readonly reached: string[] = [];
  /** Arrays the kernels can reach, with their tags. */
  readonly owned = new Map<FloatArray, string>();
  declineResults = false;
  protected readonly kernels: FastKernels<string>;

  constructor() {
    super();
    const rec =
      <T>(name: string, result: T) =>
      (...args: unknown[]): T => {
        this.calls.push(
          `${name}:${args.map((a) => (typeof a === "object" && a !== null ? "{}" : String(a))).join(",")}`,
        );
        return result;
      };
    const maybe =
      (name: string) =>
      (...args: unknown[]): boolean => {
        if (this.declineResults) return false;
        rec(name, true)(...args);
        return true;
      };
    this.kernels = {
      addRowVector: rec("addRowVector", undefined),
      sumRows: rec("sumRows", undefined),
      biasActivation: rec("biasActivation", undefined),
      activationBackward: rec("activationBackward", undefined),
      sumSquares: rec("sumSquares", 42),
      shiftedSums: maybe("shiftedSums"),
      countLinearBins: maybe("countLinearBins"),
      countCellBins: maybe("countCellBins"),
      residualForward: rec("residualForward", undefined),
      residualBackward: rec("residualBackward", 42),
      normForward: rec("normForward", undefined),
      normBackward: rec("normBackward", undefined),
      normActivationForward: rec("normActivationForward", undefined),
      biasResidualForward: rec("biasResidualForward", undefined),
      normActivationBackward: rec("normActivationBackward", undefined),
      sgdStep: (w: string, g: string, v: string | null, n: number, o: SgdStepArgs) =>
        rec("sgdStep", 42)(w, g, v, n, o.lr, o.l1),
      adamStep: (w: string, g: string, m: string, v: string, n: number, o: AdamStepArgs) =>
        rec("adamStep", 42)(w, g, m, v, n, o.lr, o.l1),
    };
  }

  own(tag: string, x: Float32Array): Float32Array {
    this.owned.set(x, tag);
    return x;
  }

  protected reach(x: FloatArray, len: number, what: string): string | null {
    this.reached.push(`${what}:${len}`);
    return this.owned.get(x) ?? null;
  }

  alloc(n: number): Float32Array {
    return new Float32Array(n);
  }
  gemm(): void {
    throw new Error("not used");
  }
  dispose(): void {}
}

const SGD: SgdStepArgs = { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true, first: false };
const ADAM: AdamStepArgs = {
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  c1: 0.1,
  c2: 0.001,
};

test("operands the backend reaches go to its kernels, with handles and the activation code", () => {
  const be = new RecordingBackend();
  const [z, b, a, d, e] = ["z", "b", "a", "d", "e"].map((t) => be.own(t, randomArray(6, t)));
  be.addRowVector(z, b, 2, 3);
  be.sumRows(z, -1, 3, b, 0.5);
  be.biasActivation(z, b, a, 2, 3, "tanh", 0.2);
  be.activationBackward(z, a, d, e, 6, "leaky_relu", 0.2);
  assert.equal(be.sumSquares(z, 6), 42);
  be.shiftedSums(z, 6, 0.5, new Float64Array(2));
  be.countLinearBins(z, 6, -1, 2, 4, new Int32Array(7));
  assert.equal(be.sgdStep(z, a, null, 6, SGD), 42);
  assert.equal(be.sgdStep(z, a, d, 6, SGD), 42);
  assert.equal(be.adamStep(z, a, d, e, 6, ADAM), 42);
  assert.equal(be.sgdStep(z, a, null, 6, { ...SGD, l1: 0.5 }), 42);
  assert.equal(be.adamStep(z, a, d, e, 6, { ...ADAM, l1: 0.25 }), 42);
  const [g, bt, m, s] = ["g", "bt", "m", "s"].map((t) => be.own(t, randomArray(3, t)));
  be.normForward(z, a, d, g, bt, 2, 3, "batch", 1e-5, m, s, true);
  be.normBackward(a, d, g, m, e, s, bt, 2, 3, "features");
  be.residualForward(z, a, 0.5, d, 6);
  be.normActivationForward(z, a, d, g, bt, 2, 3, "features", 1e-5, m, s, false, e, "relu", 0);
  be.biasResidualForward(z, a, g, 0.5, d, 2, 3);
  be.normActivationBackward(z, a, d, "relu", 0, e, d, g, s, a, m, bt, 2, 3, "features", null);
  be.normActivationBackward(z, a, d, "tanh", 0, e, d, g, s, a, m, bt, 2, 3, "batch", z);
  assert.equal(be.residualBackward(d, null, z, 0.5, e, 6), 42);
  assert.equal(be.residualBackward(d, a, z, 0.5, d, 6), 42);
  assert.deepEqual(be.calls, [
    "addRowVector:z,b,2,3",
    "sumRows:z,0,3,b,0.5",
    "biasActivation:z,b,a,2,3,4,0.2",
    "activationBackward:z,a,d,e,6,2,0.2",
    "sumSquares:z,6",
    "shiftedSums:z,6,0.5,{}",
    "countLinearBins:z,6,-1,2,4,{}",
    "sgdStep:z,a,null,6,0.1,undefined",
    "sgdStep:z,a,d,6,0.1,undefined",
    "adamStep:z,a,d,e,6,0.01,undefined",
    "sgdStep:z,a,null,6,0.1,0.5",
    "adamStep:z,a,d,e,6,0.01,0.25",
    "normForward:z,a,d,g,bt,2,3,0,0.00001,m,s,true",
    "normBackward:a,d,g,m,e,s,bt,2,3,1",
    "residualForward:z,a,0.5,d,6",
    "normActivationForward:z,a,d,g,bt,2,3,1,0.00001,m,s,false,e,1,0",
    "biasResidualForward:z,a,g,0.5,d,2,3",
    "normActivationBackward:z,a,d,1,0,e,d,g,s,a,m,bt,2,3,1,null",
    "normActivationBackward:z,a,d,4,0,e,d,g,s,a,m,bt,2,3,0,z",
    "residualBackward:d,null,z,0.5,e,6",
    "residualBackward:d,a,z,0.5,d,6",
  ]);
});

test("one operand out of reach (or a Float64Array) sends the call to the reference, bit for bit", () => {
  const ref = new TsBackend();
  for (const foreign of ["f32", "f64"] as const) {
    const be = new RecordingBackend();
    const mine = (t: string) => be.own(t, randomArray(12, t));
    const other = (t: string): FloatArray =>
      foreign === "f32" ? randomArray(12, t) : Float64Array.from(randomArray(12, t));
    const copy = (x: FloatArray) => x.slice();
    // biasActivation: the bias is out of reach
    const z = mine("z");
    const b = other("b");
    const a = mine("a");
    const [z0, a0] = [copy(z), copy(a)];
    be.biasActivation(z, b, a, 3, 4, "sigmoid", 0);
    ref.biasActivation(z0, b, a0, 3, 4, "sigmoid", 0);
    assert.deepEqual([z, a], [z0, a0]);
    // sgdStep: only the velocity is out of reach
    const w = mine("w");
    const g = mine("g");
    const v = other("v");
    const [w0, v0] = [copy(w), copy(v)];
    assert.equal(be.sgdStep(w, g, v, 12, SGD), ref.sgdStep(w0, g, v0, 12, SGD));
    assert.deepEqual([w, v], [w0, v0]);
    // sums and histograms of an array out of reach
    const x = other("x");
    assert.equal(be.sumSquares(x, 12), ref.sumSquares(x, 12));
    const [s, s0] = [new Float64Array(2), new Float64Array(2)];
    be.shiftedSums(x, 12, 0.25, s);
    ref.shiftedSums(x, 12, 0.25, s0);
    assert.deepEqual(s, s0);
    // normalization with gamma out of reach: forward and backward, both axes
    for (const axis of ["batch", "features"] as const) {
      const gm = other("gm").subarray(0, 4);
      const bt = mine("bt").subarray(0, 4);
      const ms = [mine("m"), mine("s")];
      const ms0 = ms.map(copy);
      const [y, h, y0, h0] = [mine("y"), mine("h"), new Float32Array(12), new Float32Array(12)];
      be.normForward(x, y, h, gm, bt, 3, 4, axis, 1e-5, ms[0], ms[1], false);
      ref.normForward(x, y0, h0, gm, bt, 3, 4, axis, 1e-5, ms0[0], ms0[1], false);
      assert.deepEqual([y, h, ...ms], [y0, h0, ...ms0]);
      const [dx, dg, db] = [mine("dx"), mine("dg"), mine("db")];
      const [dx0, dg0, db0] = [dx, dg, db].map(copy);
      be.normBackward(y, h, gm, ms[1], dx, dg, db, 3, 4, axis);
      ref.normBackward(y, h, gm, ms[1], dx0, dg0, db0, 3, 4, axis);
      assert.deepEqual([dx, dg, db], [dx0, dg0, db0]);
    }
    assert.deepEqual(be.calls, [], foreign);
    // every operand's length was asked for, also after the first one out of reach
    assert.deepEqual(be.reached.slice(0, 3), ["z:12", "b:4", "a:12"]);
  }
});

test("a kernel that declines (no scratch memory) leaves the result to the reference", () => {
  const be = new RecordingBackend();
  be.declineResults = true;
  const x = be.own("x", randomArray(50, "x"));
  const counts = new Int32Array(13).fill(-7);
  const want = new Int32Array(13);
  be.countLinearBins(x, 50, -1, 5, 10, counts);
  new TsBackend().countLinearBins(x, 50, -1, 5, 10, want);
  assert.deepEqual(counts, want);
  assert.equal(
    want.reduce((p, q) => p + q, 0),
    50,
  );
  const sums = new Float64Array([Number.NaN, Number.NaN]);
  be.shiftedSums(x, 50, 0, sums);
  assert.ok(Number.isFinite(sums[0]) && sums[1] > 0);
  assert.deepEqual(be.calls, []);
});

test("empty sizes call nothing; a histogram table is checked once, before its first kernel call", () => {
  const be = new RecordingBackend();
  const x = be.own("x", randomArray(4, "x"));
  be.addRowVector(x, x, 0, 4);
  be.biasActivation(x, x, x, 4, 0, "relu", 0);
  be.activationBackward(x, x, x, x, 0, "relu", 0);
  assert.equal(be.sumSquares(x, 0), 0);
  assert.equal(be.sgdStep(x, x, null, 0, SGD), 0);
  const out = new Float64Array([5, 5]);
  be.shiftedSums(x, 0, 1, out);
  assert.deepEqual([...out], [0, 0]);
  be.normForward(x, x, x, x, x, 0, 4, "features", 1e-5, x, x, false);
  be.normBackward(x, x, x, x, x, x, x, 4, 0, "batch");
  be.residualForward(x, x, 1, x, 0);
  be.normActivationForward(x, x, x, x, x, 4, 0, "features", 1e-5, x, x, false, x, "relu", 0);
  be.biasResidualForward(x, x, x, 1, x, 0, 4);
  be.normActivationBackward(x, x, x, "relu", 0, x, x, x, x, x, x, x, 0, 4, "features", null);
  assert.equal(be.residualBackward(x, x, x, 1, x, 0), 0);
  assert.equal(be.calls.length, 0, be.calls.join(" "));
  const bad = new Int8Array(1 << 14).fill(9);
  const edges = new Int32Array(5);
  assert.throws(() => be.countCellBins(x, 4, bad, edges, 4, new Int32Array(8)), RangeError);
  const good = new Int8Array(1 << 14);
  be.countCellBins(x, 4, good, edges, 4, new Int32Array(8));
  good.fill(9); // changed after its check: not checked again (the check is per table object)
  be.countCellBins(x, 4, good, edges, 4, new Int32Array(8));
  assert.equal(be.calls.filter((c) => c.startsWith("countCellBins")).length, 2);
});
