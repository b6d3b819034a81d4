// Normalization kernels (AssemblyScript, WebAssembly SIMD): BatchNorm ("batch" axis: a group is a
// column, normalized over the rows) and LayerNorm ("features" axis: a group is a row), forward and
// backward, with per-column gamma and beta. Contracts: Backend.normForward / normBackward
// (src/kernels/backend.ts); reference: src/kernels/elementwise.ts.
// Exactness, as in native/norm.c: bit for bit the reference. Every sum runs in double in the
// reference's order (element 0, 1, ... of its group, from 0); f64x2 lanes hold two groups (two
// columns of the batch axis) or two elements of one row's outputs, never two parts of one sum.
// The rest is the reference's IEEE double operations in its order (no fused multiply-add), each
// float32 store rounding once: xhat = f32((x - mean) invStd), y = f32(gamma xhat + beta) from the
// rounded xhat.
import { activationBackward, activationSpan, narrowStore, residualForward, widen } from "./elementwise";

// NormAxis codes: NORM_AXIS_CODE in src/kernels/backend.ts.
const BATCH: i32 = 0;

// @ts-ignore: decorator
@inline function ld(p: usize): f64 {
  return <f64>load<f32>(p);
}

/**
 * Statistics of one group (n elements, ks bytes apart), the reference's two passes: returns the
 * mean and leaves 1 / sqrt(var + eps) in statInv.
 */
function groupStats(x: usize, n: i32, ks: usize, eps: f64): f64 {
  let s = 0.0;
  for (let k = 0; k < n; k++) s += ld(x + <usize>k * ks);
  const mu = s / <f64>n;
  let ss = 0.0;
  for (let k = 0; k < n; k++) {
    const d = ld(x + <usize>k * ks) - mu;
    ss += d * d;
  }
  statInv = 1 / Math.sqrt(ss / <f64>n + eps);
  return mu;
}
/** The second result of groupStats. */
let statInv: f64 = 0;

/** Outputs of one group: element k at byte offset k ks, its gamma and beta at k cs (cs = 0: one column). */
function groupOut(
  x: usize,
  y: usize,
  xhat: usize,
  gamma: usize,
  beta: usize,
  n: i32,
  ks: usize,
  cs: usize,
  mu: f64,
  inv: f64,
): void {
  for (let k = 0; k < n; k++) {
    const o = <usize>k * ks;
    const c = <usize>k * cs;
    const h = <f32>((ld(x + o) - mu) * inv);
    store<f32>(xhat + o, h);
    store<f32>(y + o, <f32>(ld(gamma + c) * <f64>h + ld(beta + c)));
  }
}

/** The outputs of one contiguous row of n elements, two at a time. */
function rowOut(x: usize, y: usize, xhat: usize, gamma: usize, beta: usize, n: i32, mu: f64, inv: f64): void {
  const vm = f64x2.splat(mu);
  const vi = f64x2.splat(inv);
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const o = <usize>k << 2;
    const h = narrowStore(xhat + o, f64x2.mul(f64x2.sub(widen(x + o), vm), vi));
    narrowStore(y + o, f64x2.add(f64x2.mul(widen(gamma + o), h), widen(beta + o)));
  }
  const o = <usize>k << 2;
  groupOut(x + o, y + o, xhat + o, gamma + o, beta + o, n - k, 4, 4, mu, inv);
}

/** Forward over the four columns j .. j + 3 of the batch axis (two f64x2, a column per lane). */
function batchForward4(
  x: usize,
  y: usize,
  xhat: usize,
  gamma: usize,
  beta: usize,
  rows: i32,
  rs: usize,
  o0: usize,
  eps: f64,
  mean: usize,
  invStd: usize,
  given: i32,
): void {
  let mu0: v128, mu1: v128, inv0: v128, inv1: v128;
  if (given) {
    mu0 = widen(mean + o0);
    mu1 = widen(mean + o0 + 8);
    inv0 = widen(invStd + o0);
    inv1 = widen(invStd + o0 + 8);
  } else {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (let i = 0; i < rows; i++) {
      const p = x + <usize>i * rs + o0;
      s0 = f64x2.add(s0, widen(p));
      s1 = f64x2.add(s1, widen(p + 8));
    }
    const n = f64x2.splat(<f64>rows);
    mu0 = f64x2.div(s0, n);
    mu1 = f64x2.div(s1, n);
    let q0 = f64x2.splat(0);
    let q1 = f64x2.splat(0);
    for (let i = 0; i < rows; i++) {
      const p = x + <usize>i * rs + o0;
      const d0 = f64x2.sub(widen(p), mu0);
      const d1 = f64x2.sub(widen(p + 8), mu1);
      q0 = f64x2.add(q0, f64x2.mul(d0, d0));
      q1 = f64x2.add(q1, f64x2.mul(d1, d1));
    }
    const one = f64x2.splat(1);
    const e = f64x2.splat(eps);
    inv0 = f64x2.div(one, f64x2.sqrt(f64x2.add(f64x2.div(q0, n), e)));
    inv1 = f64x2.div(one, f64x2.sqrt(f64x2.add(f64x2.div(q1, n), e)));
    narrowStore(mean + o0, mu0);
    narrowStore(mean + o0 + 8, mu1);
    narrowStore(invStd + o0, inv0);
    narrowStore(invStd + o0 + 8, inv1);
  }
  const g0 = widen(gamma + o0);
  const g1 = widen(gamma + o0 + 8);
  const b0 = widen(beta + o0);
  const b1 = widen(beta + o0 + 8);
  for (let i = 0; i < rows; i++) {
    const p = <usize>i * rs + o0;
    const h0 = narrowStore(xhat + p, f64x2.mul(f64x2.sub(widen(x + p), mu0), inv0));
    const h1 = narrowStore(xhat + p + 8, f64x2.mul(f64x2.sub(widen(x + p + 8), mu1), inv1));
    narrowStore(y + p, f64x2.add(f64x2.mul(g0, h0), b0));
    narrowStore(y + p + 8, f64x2.add(f64x2.mul(g1, h1), b1));
  }
}

/** Normalization forward (Backend.normForward); axis 0 = batch, 1 = features; given = 1 reads mean and invStd. */
export function normForward(
  x: usize,
  y: usize,
  xhat: usize,
  gamma: usize,
  beta: usize,
  rows: i32,
  cols: i32,
  axis: i32,
  eps: f64,
  mean: usize,
  invStd: usize,
  given: i32,
): void {
  const rs = <usize>cols << 2;
  if (axis == BATCH) {
    let j = 0;
    for (; j + 4 <= cols; j += 4)
      batchForward4(x, y, xhat, gamma, beta, rows, rs, <usize>j << 2, eps, mean, invStd, given);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      let mu: f64, inv: f64;
      if (given) {
        mu = ld(mean + o);
        inv = ld(invStd + o);
      } else {
        mu = groupStats(x + o, rows, rs, eps);
        inv = statInv;
        store<f32>(mean + o, <f32>mu);
        store<f32>(invStd + o, <f32>inv);
      }
      groupOut(x + o, y + o, xhat + o, gamma + o, beta + o, rows, rs, 0, mu, inv);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rs;
    const g = <usize>r << 2;
    let mu: f64, inv: f64;
    if (given) {
      mu = ld(mean + g);
      inv = ld(invStd + g);
    } else {
      mu = groupStats(x + o, cols, 4, eps);
      inv = statInv;
      store<f32>(mean + g, <f32>mu);
      store<f32>(invStd + g, <f32>inv);
    }
    rowOut(x + o, y + o, xhat + o, gamma, beta, cols, mu, inv);
  }
}

/** dGamma and dBeta of the columns j0 .. j1 (byte offsets), two columns per lane pair, then one by one. */
function columnGrads(dy: usize, xhat: usize, dGamma: usize, dBeta: usize, rows: i32, rs: usize, j0: i32, j1: i32): void {
  let j = j0;
  for (; j + 2 <= j1; j += 2) {
    const o0 = <usize>j << 2;
    let sg = f64x2.splat(0);
    let sb = f64x2.splat(0);
    for (let i = 0; i < rows; i++) {
      const p = <usize>i * rs + o0;
      const d = widen(dy + p);
      sg = f64x2.add(sg, f64x2.mul(d, widen(xhat + p)));
      sb = f64x2.add(sb, d);
    }
    narrowStore(dGamma + o0, sg);
    narrowStore(dBeta + o0, sb);
  }
  for (; j < j1; j++) {
    const o0 = <usize>j << 2;
    let sg = 0.0;
    let sb = 0.0;
    for (let i = 0; i < rows; i++) {
      const p = <usize>i * rs + o0;
      const d = ld(dy + p);
      sg += d * ld(xhat + p);
      sb += d;
    }
    store<f32>(dGamma + o0, <f32>sg);
    store<f32>(dBeta + o0, <f32>sb);
  }
}

/** dx of one group (n elements ks bytes apart, gamma at k cs): invStd (dxhat - mean dxhat - xhat mean(dxhat xhat)). */
function groupBackward(dy: usize, xhat: usize, gamma: usize, inv: f64, dx: usize, n: i32, ks: usize, cs: usize): void {
  let s1 = 0.0;
  let s2 = 0.0;
  for (let k = 0; k < n; k++) {
    const dh = ld(dy + <usize>k * ks) * ld(gamma + <usize>k * cs);
    s1 += dh;
    s2 += dh * ld(xhat + <usize>k * ks);
  }
  const m1 = s1 / <f64>n;
  const m2 = s2 / <f64>n;
  if (ks == 4 && cs == 4) {
    // a contiguous row: two at a time
    const v1 = f64x2.splat(m1);
    const v2 = f64x2.splat(m2);
    const vi = f64x2.splat(inv);
    let k = 0;
    for (; k + 2 <= n; k += 2) {
      const o = <usize>k << 2;
      const dh = f64x2.mul(widen(dy + o), widen(gamma + o));
      const t = f64x2.sub(f64x2.sub(dh, v1), f64x2.mul(widen(xhat + o), v2));
      narrowStore(dx + o, f64x2.mul(vi, t));
    }
    if (k < n) {
      const o = <usize>k << 2;
      const dh = ld(dy + o) * ld(gamma + o);
      store<f32>(dx + o, <f32>(inv * (dh - m1 - ld(xhat + o) * m2)));
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const o = <usize>k * ks;
    const dh = ld(dy + o) * ld(gamma + <usize>k * cs);
    store<f32>(dx + o, <f32>(inv * (dh - m1 - ld(xhat + o) * m2)));
  }
}

/** Backward over the two columns at byte offset o0 of the batch axis (one f64x2, a column per lane). */
function batchBackward2(
  dy: usize,
  xhat: usize,
  gamma: usize,
  invStd: usize,
  dx: usize,
  dGamma: usize,
  dBeta: usize,
  rows: i32,
  rs: usize,
  o0: usize,
): void {
  const g = widen(gamma + o0);
  let sg = f64x2.splat(0);
  let sb = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  for (let i = 0; i < rows; i++) {
    const p = <usize>i * rs + o0;
    const d = widen(dy + p);
    const h = widen(xhat + p);
    const dh = f64x2.mul(d, g);
    sg = f64x2.add(sg, f64x2.mul(d, h));
    sb = f64x2.add(sb, d);
    s1 = f64x2.add(s1, dh);
    s2 = f64x2.add(s2, f64x2.mul(dh, h));
  }
  narrowStore(dGamma + o0, sg);
  narrowStore(dBeta + o0, sb);
  const n = f64x2.splat(<f64>rows);
  const m1 = f64x2.div(s1, n);
  const m2 = f64x2.div(s2, n);
  const inv = widen(invStd + o0);
  for (let i = 0; i < rows; i++) {
    const p = <usize>i * rs + o0;
    const dh = f64x2.mul(widen(dy + p), g);
    const t = f64x2.sub(f64x2.sub(dh, m1), f64x2.mul(widen(xhat + p), m2));
    narrowStore(dx + p, f64x2.mul(inv, t));
  }
}

/** Normalization backward (Backend.normBackward); axis 0 = batch, 1 = features; dx may be dy. */
export function normBackward(
  dy: usize,
  xhat: usize,
  gamma: usize,
  invStd: usize,
  dx: usize,
  dGamma: usize,
  dBeta: usize,
  rows: i32,
  cols: i32,
  axis: i32,
): void {
  const rs = <usize>cols << 2;
  if (axis == BATCH) {
    let j = 0;
    for (; j + 2 <= cols; j += 2) batchBackward2(dy, xhat, gamma, invStd, dx, dGamma, dBeta, rows, rs, <usize>j << 2);
    if (j < cols) {
      const o = <usize>j << 2;
      columnGrads(dy, xhat, dGamma, dBeta, rows, rs, j, cols);
      groupBackward(dy + o, xhat + o, gamma + o, ld(invStd + o), dx + o, rows, rs, 0);
    }
    return;
  }
  // dGamma and dBeta read every row of dy before dx (which may be dy) is written.
  columnGrads(dy, xhat, dGamma, dBeta, rows, rs, 0, cols);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rs;
    groupBackward(dy + o, xhat + o, gamma, ld(invStd + (<usize>r << 2)), dx + o, cols, 4, 4);
  }
}

/** normForward, then h = phi(y) (Backend.normActivationForward; act: KERNEL_ACTIVATION_CODE). */
export function normActivationForward(
  x: usize,
  y: usize,
  xhat: usize,
  gamma: usize,
  beta: usize,
  rows: i32,
  cols: i32,
  axis: i32,
  eps: f64,
  mean: usize,
  invStd: usize,
  given: i32,
  h: usize,
  act: i32,
  param: f64,
): void {
  normForward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, given);
  activationSpan(y, h, rows * cols, act, param);
}

/**
 * activationBackward, normBackward, then dx += skip (skip = 0: none) (Backend.normActivationBackward;
 * act: KERNEL_ACTIVATION_CODE).
 */
export function normActivationBackward(
  dh: usize,
  u: usize,
  h: usize,
  act: i32,
  param: f64,
  du: usize,
  xhat: usize,
  gamma: usize,
  invStd: usize,
  dx: usize,
  dGamma: usize,
  dBeta: usize,
  rows: i32,
  cols: i32,
  axis: i32,
  skip: usize,
): void {
  const n = rows * cols;
  activationBackward(u, h, dh, du, n, act, param);
  normBackward(du, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis);
  if (skip != 0) residualForward(dx, skip, 1.0, dx, n);
}
