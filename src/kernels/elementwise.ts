import { sigmoid } from "../math/sigmoid.js";
import type { AdamStepArgs, FloatArray, KernelActivation, NormAxis, SgdStepArgs } from "./backend.js";

/**
 * The reference element-wise kernels (plain TypeScript, double-precision temporaries): the
 * TypeScript backend runs them, the other backends fall back to them for arrays they cannot
 * address, and the tests hold the fast kernels to them.
 */

/** a[i] = phi(z[i]) for i < n (a may be z). NaN gives 0 for relu (z > 0 is false), like the layer's loop. */
export function activationForward(
  z: FloatArray,
  a: FloatArray,
  n: number,
  act: KernelActivation,
  param: number,
): void {
  switch (act) {
    case "identity":
      if (a !== z) for (let i = 0; i < n; i++) a[i] = z[i];
      return;
    case "relu":
      for (let i = 0; i < n; i++) {
        const v = z[i];
        // biome-ignore lint/complexity/useMathMinMax: NaN must give 0 (Math.max would keep NaN)
        a[i] = v > 0 ? v : 0;
      }
      return;
    case "leaky_relu":
      for (let i = 0; i < n; i++) {
        const v = z[i];
        a[i] = v > 0 ? v : param * v;
      }
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) a[i] = sigmoid(z[i]);
      return;
    case "tanh":
      for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]);
      return;
  }
}

/** dZ[i] = dA[i] * phi'(z[i]); see Backend.activationBackward. */
export function activationBackward(
  z: FloatArray,
  a: FloatArray,
  dA: FloatArray,
  dZ: FloatArray,
  n: number,
  act: KernelActivation,
  param: number,
): void {
  switch (act) {
    case "identity":
      if (dZ !== dA) for (let i = 0; i < n; i++) dZ[i] = dA[i];
      return;
    case "relu":
      for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : 0;
      return;
    case "leaky_relu":
      for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : dA[i] * param;
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const s = a[i];
        dZ[i] = dA[i] * (s * (1 - s));
      }
      return;
    case "tanh":
      for (let i = 0; i < n; i++) {
        const t = a[i];
        dZ[i] = dA[i] * (1 - t * t);
      }
      return;
  }
}

export function sumSquares(x: FloatArray, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

export function shiftedSums(x: FloatArray, n: number, shift: number, out: Float64Array): void {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - shift;
    s1 += d;
    s2 += d * d;
  }
  out[0] = s1;
  out[1] = s2;
}

export function countLinearBins(
  x: FloatArray,
  n: number,
  lo: number,
  invWidth: number,
  bins: number,
  counts: Int32Array,
): void {
  counts.fill(0, 0, bins + 3);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const t = (v - lo) * invWidth;
    if (t >= 0 && t < bins) counts[t | 0]++;
    else if (v - v !== 0) counts[bins + 2]++;
    else if (t < 0) counts[bins]++;
    else counts[bins + 1]++;
  }
}

/**
 * Throws unless a countCellBins table can index the counts: 16384 cells in -2..bins + 1 and
 * bins + 1 edges. The native and wasm kernels trust the table (they write counts[cell]), so the
 * backends check each table object once before handing it over.
 */
export function checkCellTable(cell: Int8Array, edgeBits: Int32Array, bins: number): void {
  if (cell.length < 1 << 14 || edgeBits.length < bins + 1 || cell.some((c) => c < -2 || c > bins + 1))
    throw new RangeError(
      "countCellBins: the table must have 16384 entries in -2..bins + 1 and bins + 1 edges",
    );
}

export function countCellBins(
  x: Float32Array,
  n: number,
  cell: Int8Array,
  edgeBits: Int32Array,
  bins: number,
  counts: Int32Array,
): void {
  counts.fill(0, 0, bins + 4);
  const bits = new Int32Array(x.buffer, x.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const a = bits[i] & 0x7fffffff;
    let c = cell[a >>> 17];
    if (c >= 0) {
      if (c <= bins && a >= edgeBits[c]) c++;
      counts[c]++;
    } else if (c === -2) counts[bins + 3]++;
    else if (a === 0) counts[bins + 2]++;
    else counts[0]++;
  }
}

export function sgdStep(
  w: FloatArray,
  grad: FloatArray,
  v: FloatArray | null,
  n: number,
  o: SgdStepArgs,
): number {
  const { lr, momentum: mu, weightDecay: wd, nesterov, first } = o;
  const l1 = o.l1 ?? 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    let g = grad[i] + wd * w[i];
    if (l1 !== 0) g += l1 * Math.sign(w[i]);
    if (v) {
      v[i] = first ? g : mu * v[i] + g;
      g = nesterov ? g + mu * v[i] : v[i];
    }
    const u = lr * g;
    w[i] -= u;
    sq += u * u;
  }
  return sq;
}

export function adamStep(
  w: FloatArray,
  grad: FloatArray,
  m: FloatArray,
  v: FloatArray,
  n: number,
  o: AdamStepArgs,
): number {
  const { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, c1, c2 } = o;
  const l1 = o.l1 ?? 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    let g = grad[i] + wd * w[i];
    if (l1 !== 0) g += l1 * Math.sign(w[i]);
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    const u = (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    w[i] -= u;
    sq += u * u;
  }
  return sq;
}

/**
 * Normalization forward (Backend.normForward): groups are columns ("batch") or rows ("features");
 * statistics in double, two passes (mean, then centred squares), one rounding at each store.
 */
export function normForward(
  x: FloatArray,
  y: FloatArray,
  xhat: FloatArray,
  gamma: FloatArray,
  beta: FloatArray,
  rows: number,
  cols: number,
  axis: NormAxis,
  eps: number,
  mean: FloatArray,
  invStd: FloatArray,
  given: boolean,
): void {
  const groups = axis === "batch" ? cols : rows;
  const n = axis === "batch" ? rows : cols;
  // Element k of group g sits at g * gStride + k * kStride.
  const gStride = axis === "batch" ? 1 : cols;
  const kStride = axis === "batch" ? cols : 1;
  for (let g = 0; g < groups; g++) {
    const base = g * gStride;
    let mu: number;
    let inv: number;
    if (given) {
      mu = mean[g];
      inv = invStd[g];
    } else {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[base + k * kStride];
      mu = s / n;
      let ss = 0;
      for (let k = 0; k < n; k++) {
        const d = x[base + k * kStride] - mu;
        ss += d * d;
      }
      inv = 1 / Math.sqrt(ss / n + eps);
      mean[g] = mu;
      invStd[g] = inv;
    }
    for (let k = 0; k < n; k++) {
      const i = base + k * kStride;
      const j = axis === "batch" ? g : k;
      const h = (x[i] - mu) * inv;
      xhat[i] = h;
      y[i] = gamma[j] * xhat[i] + beta[j];
    }
  }
}

/** normForward, then h = phi(y) (Backend.normActivationForward). */
export function normActivationForward(
  x: FloatArray,
  y: FloatArray,
  xhat: FloatArray,
  gamma: FloatArray,
  beta: FloatArray,
  rows: number,
  cols: number,
  axis: NormAxis,
  eps: number,
  mean: FloatArray,
  invStd: FloatArray,
  given: boolean,
  h: FloatArray,
  act: KernelActivation,
  param: number,
): void {
  normForward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, given);
  activationForward(y, h, rows * cols, act, param);
}

/** Normalization backward (Backend.normBackward), the same groups as normForward; sums in double. */
export function normBackward(
  dy: FloatArray,
  xhat: FloatArray,
  gamma: FloatArray,
  invStd: FloatArray,
  dx: FloatArray,
  dGamma: FloatArray,
  dBeta: FloatArray,
  rows: number,
  cols: number,
  axis: NormAxis,
): void {
  for (let j = 0; j < cols; j++) {
    let sg = 0;
    let sb = 0;
    for (let i = 0; i < rows; i++) {
      const d = dy[i * cols + j];
      sg += d * xhat[i * cols + j];
      sb += d;
    }
    dGamma[j] = sg;
    dBeta[j] = sb;
  }
  const groups = axis === "batch" ? cols : rows;
  const n = axis === "batch" ? rows : cols;
  const gStride = axis === "batch" ? 1 : cols;
  const kStride = axis === "batch" ? cols : 1;
  for (let g = 0; g < groups; g++) {
    const base = g * gStride;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < n; k++) {
      const i = base + k * kStride;
      const dh = dy[i] * gamma[axis === "batch" ? g : k];
      s1 += dh;
      s2 += dh * xhat[i];
    }
    const m1 = s1 / n;
    const m2 = s2 / n;
    const inv = invStd[g];
    for (let k = 0; k < n; k++) {
      const i = base + k * kStride;
      const dh = dy[i] * gamma[axis === "batch" ? g : k];
      dx[i] = inv * (dh - m1 - xhat[i] * m2);
    }
  }
}

/**
 * The residual add with the branch's bias (Backend.biasResidualForward): z[i, j] += b[j], then
 * s[i, j] = src[i, j] + alpha z[i, j] in double, one rounding (z read back after its store).
 */
export function biasResidualForward(
  src: FloatArray,
  z: FloatArray,
  b: FloatArray,
  alpha: number,
  s: FloatArray,
  rows: number,
  cols: number,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const k = o + j;
      z[k] += b[j];
      s[k] = src[k] + alpha * z[k];
    }
  }
}

/** activationBackward, normBackward, then dx += skipGrad (Backend.normActivationBackward). */
export function normActivationBackward(
  dh: FloatArray,
  u: FloatArray,
  h: FloatArray,
  act: KernelActivation,
  param: number,
  du: FloatArray,
  xhat: FloatArray,
  gamma: FloatArray,
  invStd: FloatArray,
  dx: FloatArray,
  dGamma: FloatArray,
  dBeta: FloatArray,
  rows: number,
  cols: number,
  axis: NormAxis,
  skipGrad: FloatArray | null,
): void {
  const n = rows * cols;
  activationBackward(u, h, dh, du, n, act, param);
  normBackward(du, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis);
  if (skipGrad) residualForward(dx, skipGrad, 1, dx, n);
}

/** The residual add (Backend.residualForward): s = src + alpha z, in double, one rounding. */
export function residualForward(
  src: FloatArray,
  z: FloatArray,
  alpha: number,
  s: FloatArray,
  n: number,
): void {
  for (let i = 0; i < n; i++) s[i] = src[i] + alpha * z[i];
}

/** Its backward (Backend.residualBackward): dS += skipGrad, dZ = alpha dS; returns sum dS z (sequential). */
export function residualBackward(
  dS: FloatArray,
  skipGrad: FloatArray | null,
  z: FloatArray,
  alpha: number,
  dZ: FloatArray,
  n: number,
): number {
  let g = 0;
  for (let i = 0; i < n; i++) {
    if (skipGrad) dS[i] += skipGrad[i];
    const d = dS[i];
    g += d * z[i];
    dZ[i] = alpha * d;
  }
  return g;
}
