// Element-wise kernels of a training step (AssemblyScript, WebAssembly SIMD): fused bias +
// activation, activation derivatives, the squared norm, and the SGD and Adam updates.
// Contracts: the Backend methods of the same names (src/kernels/backend.ts); reference:
// src/kernels/elementwise.ts. Exactness, as in native/elementwise.c:
// - relu, leaky_relu, every backward, and the optimizer updates (with their L1 term l1 sign(w),
//   Math.sign's +-0 and NaN included) are bit-identical to the reference (the same IEEE operations in double precision, rounded to float32 at the store);
// - sigmoid and tanh forward use f32x4 approximations: exp by Cephes' expf (range reduction and a
//   degree-6 polynomial), tanh by Cephes' tanhf (odd polynomial below |x| = 0.625,
//   1 - 2 / (e^{2|x|} + 1) above); a few float32 ulps; NaN stays NaN;
// - sums of squares accumulate in double in two lanes (last bits differ from the reference).

// Activation codes: KERNEL_ACTIVATION_CODE in src/kernels/backend.ts.
const IDENTITY: i32 = 0;
const RELU: i32 = 1;
const LEAKY_RELU: i32 = 2;
const SIGMOID: i32 = 3;
const TANH: i32 = 4;

// @ts-ignore: decorator
@inline function exp4(x0: v128): v128 {
  // f32x4.min/max return NaN when either lane is NaN, so NaN passes the clamp.
  let x = f32x4.max(f32x4.min(x0, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.mul(y, f32x4.mul(x, x)), f32x4.add(x, f32x4.splat(1.0)));
  const n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, n);
}

// @ts-ignore: decorator
@inline function sigmoid4(z: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(z))));
}

// @ts-ignore: decorator
@inline function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp4(f32x4.add(ax, ax));
  let big = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
  big = v128.or(big, v128.and(x, f32x4.splat(-0.0)));
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625)));
}

// @ts-ignore: decorator
@inline function act4(v: v128, act: i32): v128 {
  if (act == RELU) return v128.and(v, f32x4.gt(v, f32x4.splat(0)));
  if (act == SIGMOID) return sigmoid4(v);
  if (act == TANH) return tanh4(v);
  return v;
}

/** a[0..n) = phi(z[0..n)); the tail goes through a padded block so every element sees the same code. */
function actSpan(z: usize, a: usize, n: i32, act: i32, param: f64): void {
  if (act == LEAKY_RELU) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const v = load<f32>(z + o);
      store<f32>(a + o, v > 0 ? v : <f32>(param * <f64>v));
    }
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, act4(v128.load(z + o), act));
  }
  if (i < n) {
    // 1 to 3 tail elements, padded with zeros to one vector
    const o = <usize>i << 2;
    const rem = n - i;
    let t = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(z + o));
    if (rem > 1) t = f32x4.replace_lane(t, 1, load<f32>(z + o + 4));
    if (rem > 2) t = f32x4.replace_lane(t, 2, load<f32>(z + o + 8));
    const y = act4(t, act);
    store<f32>(a + o, f32x4.extract_lane(y, 0));
    if (rem > 1) store<f32>(a + o + 4, f32x4.extract_lane(y, 1));
    if (rem > 2) store<f32>(a + o + 8, f32x4.extract_lane(y, 2));
  }
}

/** z[i, j] += b[j]; a[i, j] = phi(z[i, j]) for a rows x cols matrix (a may be z). */
export function biasActivation(z: usize, b: usize, a: usize, rows: i32, cols: i32, act: i32, param: f64): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * <usize>cols << 2;
    const zr = z + off;
    const ar = a + off;
    let j = 0;
    for (; j < c4; j += 4) {
      const o = <usize>j << 2;
      v128.store(zr + o, f32x4.add(v128.load(zr + o), v128.load(b + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(zr + o, load<f32>(zr + o) + load<f32>(b + o));
    }
    if (act == IDENTITY) {
      if (ar != zr) memory.copy(ar, zr, <usize>cols << 2);
    } else actSpan(zr, ar, cols, act, param);
  }
}

/** dZ[i] = dA[i] phi'(z[i]): from z for the ReLU family, from a for sigmoid and tanh (in double). */
export function activationBackward(z: usize, a: usize, dA: usize, dZ: usize, n: i32, act: i32, param: f64): void {
  if (act == IDENTITY) {
    if (dZ != dA) memory.copy(dZ, dA, <usize>n << 2);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(dA + o);
    let r: f32;
    if (act == RELU) r = load<f32>(z + o) > 0 ? d : 0;
    else if (act == LEAKY_RELU) r = load<f32>(z + o) > 0 ? d : <f32>(<f64>d * param);
    else if (act == SIGMOID) {
      const s = <f64>load<f32>(a + o);
      r = <f32>(<f64>d * (s * (1 - s)));
    } else {
      const t = <f64>load<f32>(a + o);
      r = <f32>(<f64>d * (1 - t * t));
    }
    store<f32>(dZ + o, r);
  }
}

/** Two float32 at p, widened to f64x2. */
// @ts-ignore: decorator
@inline export function widen(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Stores f64x2 x as two float32 at p (one rounding each) and returns the rounded values widened again. */
// @ts-ignore: decorator
@inline export function narrowStore(p: usize, x: v128): v128 {
  const f = f32x4.demote_f64x2_zero(x);
  v128.store64_lane(p, f, 0);
  return f64x2.promote_low_f32x4(f);
}

// @ts-ignore: decorator
@inline function hsum(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Math.sign for two lanes: 1 where w > 0, -1 where w < 0, else w itself (+-0 and NaN). */
// @ts-ignore: decorator
@inline function sign2(w: v128): v128 {
  const z = f64x2.splat(0);
  const s = v128.bitselect(f64x2.splat(1), w, f64x2.gt(w, z));
  return v128.bitselect(f64x2.splat(-1), s, f64x2.lt(w, z));
}

// @ts-ignore: decorator
@inline function sign1(w: f64): f64 {
  return w > 0 ? 1 : w < 0 ? -1 : w;
}

/** sum of x[i]^2 in double (two lanes, then the tail in order). */
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = widen(x + (<usize>i << 2));
    acc = f64x2.add(acc, f64x2.mul(p, p));
  }
  let s = hsum(acc);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    s += v * v;
  }
  return s;
}

/**
 * Shifted sums (see Backend.shiftedSums): with d = x[i] - shift in double, stores sum d at out and
 * sum d^2 at out + 8 (two lanes each, then the tail in order).
 */
export function shiftedSums(x: usize, n: i32, shift: f64, out: usize): void {
  const k = f64x2.splat(shift);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const d = f64x2.sub(widen(x + (<usize>i << 2)), k);
    a1 = f64x2.add(a1, d);
    a2 = f64x2.add(a2, f64x2.mul(d, d));
  }
  let s1 = hsum(a1);
  let s2 = hsum(a2);
  for (; i < n; i++) {
    const d = <f64>load<f32>(x + (<usize>i << 2)) - shift;
    s1 += d;
    s2 += d * d;
  }
  store<f64>(out, s1);
  store<f64>(out + 8, s2);
}

/** Linear-bin counts (see Backend.countLinearBins) into the bins + 3 i32 at counts. */
export function countLinearBins(x: usize, n: i32, lo: f64, inv: f64, bins: i32, counts: usize): void {
  memory.fill(counts, 0, <usize>(bins + 3) << 2);
  const b = <f64>bins;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    const t = (v - lo) * inv;
    let k: i32;
    if (t >= 0 && t < b) k = <i32>t;
    else if (v - v != 0) k = bins + 2;
    else if (t < 0) k = bins;
    else k = bins + 1;
    const p = counts + (<usize>k << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
}

/** Cell-table counts of |x| (see Backend.countCellBins); cell: 16384 i8, edgeBits: bins + 1 i32. */
export function countCellBins(x: usize, n: i32, cell: usize, edgeBits: usize, bins: i32, counts: usize): void {
  memory.fill(counts, 0, <usize>(bins + 4) << 2);
  for (let i = 0; i < n; i++) {
    const a = load<i32>(x + (<usize>i << 2)) & 0x7fffffff;
    let c = <i32>load<i8>(cell + <usize>(<u32>a >>> 17));
    let k: i32;
    if (c >= 0) {
      if (c <= bins && a >= load<i32>(edgeBits + (<usize>c << 2))) c++;
      k = c;
    } else if (c == -2) k = bins + 3;
    else if (a == 0) k = bins + 2;
    else k = 0;
    const p = counts + (<usize>k << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
}

/** SGD step (see Backend.sgdStep); v = 0 means no momentum buffer. Returns the sum of squared updates. */
export function sgdStep(
  w: usize,
  g: usize,
  v: usize,
  n: i32,
  lr: f64,
  mu: f64,
  wd: f64,
  nesterov: i32,
  first: i32,
  l1: f64,
): f64 {
  const vlr = f64x2.splat(lr);
  const vmu = f64x2.splat(mu);
  const vwd = f64x2.splat(wd);
  const vl1 = f64x2.splat(l1);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const wi = widen(w + o);
    let gi = f64x2.add(widen(g + o), f64x2.mul(vwd, wi));
    if (l1 != 0) gi = f64x2.add(gi, f64x2.mul(vl1, sign2(wi)));
    if (v != 0) {
      const vn = first ? gi : f64x2.add(f64x2.mul(vmu, widen(v + o)), gi);
      const vr = narrowStore(v + o, vn);
      gi = nesterov ? f64x2.add(gi, f64x2.mul(vmu, vr)) : vr;
    }
    const u = f64x2.mul(vlr, gi);
    narrowStore(w + o, f64x2.sub(wi, u));
    acc = f64x2.add(acc, f64x2.mul(u, u));
  }
  let sq = hsum(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let gi = <f64>load<f32>(g + o) + wd * <f64>load<f32>(w + o);
    if (l1 != 0) gi += l1 * sign1(<f64>load<f32>(w + o));
    if (v != 0) {
      store<f32>(v + o, <f32>(first ? gi : mu * <f64>load<f32>(v + o) + gi));
      const vr = <f64>load<f32>(v + o);
      gi = nesterov ? gi + mu * vr : vr;
    }
    const u = lr * gi;
    store<f32>(w + o, <f32>(<f64>load<f32>(w + o) - u));
    sq += u * u;
  }
  return sq;
}

/** Adam step (see Backend.adamStep). Returns the sum of squared updates. */
export function adamStep(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f64,
  b1: f64,
  b2: f64,
  eps: f64,
  wd: f64,
  c1: f64,
  c2: f64,
  l1: f64,
): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const wi = widen(w + o);
    let gi = f64x2.add(widen(g + o), f64x2.mul(f64x2.splat(wd), wi));
    if (l1 != 0) gi = f64x2.add(gi, f64x2.mul(f64x2.splat(l1), sign2(wi)));
    const mn = f64x2.add(f64x2.mul(f64x2.splat(b1), widen(m + o)), f64x2.mul(f64x2.splat(1 - b1), gi));
    const vn = f64x2.add(f64x2.mul(f64x2.splat(b2), widen(v + o)), f64x2.mul(f64x2.mul(f64x2.splat(1 - b2), gi), gi));
    const mr = narrowStore(m + o, mn);
    const vr = narrowStore(v + o, vn);
    const num = f64x2.mul(f64x2.splat(lr), f64x2.div(mr, f64x2.splat(c1)));
    const den = f64x2.add(f64x2.sqrt(f64x2.div(vr, f64x2.splat(c2))), f64x2.splat(eps));
    const u = f64x2.div(num, den);
    narrowStore(w + o, f64x2.sub(wi, u));
    acc = f64x2.add(acc, f64x2.mul(u, u));
  }
  let sq = hsum(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let gi = <f64>load<f32>(g + o) + wd * <f64>load<f32>(w + o);
    if (l1 != 0) gi += l1 * sign1(<f64>load<f32>(w + o));
    store<f32>(m + o, <f32>(b1 * <f64>load<f32>(m + o) + (1 - b1) * gi));
    store<f32>(v + o, <f32>(b2 * <f64>load<f32>(v + o) + (1 - b2) * gi * gi));
    const u = (lr * (<f64>load<f32>(m + o) / c1)) / (Math.sqrt(<f64>load<f32>(v + o) / c2) + eps);
    store<f32>(w + o, <f32>(<f64>load<f32>(w + o) - u));
    sq += u * u;
  }
  return sq;
}

/** Residual add (see Backend.residualForward): s = src + alpha z in double, one rounding. */
export function residualForward(src: usize, z: usize, alpha: f64, s: usize, n: i32): void {
  const va = f64x2.splat(alpha);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    narrowStore(s + o, f64x2.add(widen(src + o), f64x2.mul(va, widen(z + o))));
  }
  if (i < n) {
    const o = <usize>i << 2;
    store<f32>(s + o, <f32>(<f64>load<f32>(src + o) + alpha * <f64>load<f32>(z + o)));
  }
}

/**
 * The residual add with the branch's bias (see Backend.biasResidualForward): z[i, j] += b[j] (a
 * float32 add, as addRowVector), then s = src + alpha z in double, one rounding.
 */
export function biasResidualForward(src: usize, z: usize, b: usize, alpha: f64, s: usize, rows: i32, cols: i32): void {
  const va = f64x2.splat(alpha);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * <usize>cols << 2;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = off + (<usize>j << 2);
      const zb = f32x4.add(v128.load64_zero(z + o), v128.load64_zero(b + (<usize>j << 2)));
      v128.store64_lane(z + o, zb, 0);
      narrowStore(s + o, f64x2.add(widen(src + o), f64x2.mul(va, f64x2.promote_low_f32x4(zb))));
    }
    if (j < cols) {
      const o = off + (<usize>j << 2);
      const zj = load<f32>(z + o) + load<f32>(b + (<usize>j << 2));
      store<f32>(z + o, zj);
      store<f32>(s + o, <f32>(<f64>load<f32>(src + o) + alpha * <f64>zj));
    }
  }
}

/** h[i] = phi(y[i]) for i < n, y unchanged (biasActivation without the bias); h may be y. */
export function activationSpan(y: usize, h: usize, n: i32, act: i32, param: f64): void {
  if (act == IDENTITY) {
    if (h != y) memory.copy(h, y, <usize>n << 2);
  } else actSpan(y, h, n, act, param);
}

/**
 * Its backward (see Backend.residualBackward): dS += t (t = 0: none; a float32 add, the correctly
 * rounded sum like the reference's), dZ = alpha dS; returns sum dS z in double (two lanes, then the tail).
 */
export function residualBackward(dS: usize, t: usize, z: usize, alpha: f64, dZ: usize, n: i32): f64 {
  const va = f64x2.splat(alpha);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    if (t != 0) v128.store64_lane(dS + o, f32x4.add(v128.load64_zero(dS + o), v128.load64_zero(t + o)), 0);
    const d = widen(dS + o);
    acc = f64x2.add(acc, f64x2.mul(d, widen(z + o)));
    narrowStore(dZ + o, f64x2.mul(va, d));
  }
  let g = hsum(acc);
  if (i < n) {
    const o = <usize>i << 2;
    if (t != 0) store<f32>(dS + o, load<f32>(dS + o) + load<f32>(t + o));
    const d = <f64>load<f32>(dS + o);
    g += d * <f64>load<f32>(z + o);
    store<f32>(dZ + o, <f32>(alpha * d));
  }
  return g;
}
