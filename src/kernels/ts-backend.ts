import type {
  AdamStepArgs,
  Backend,
  FloatArray,
  KernelActivation,
  NormAxis,
  SgdStepArgs,
} from "./backend.js";
import * as ew from "./elementwise.js";

/**
 * The reference backend: plain TypeScript loops, the oracle every faster backend is tested
 * against. The gemm keeps one fixed summation order (over p = 0..k-1) for each output, so
 * results are bit-for-bit reproducible. Loops are ordered so that the innermost one walks
 * contiguous memory in every transposition case.
 */
export class TsBackend implements Backend {
  readonly name = "ts" as const;
  readonly threads = 1;

  alloc(n: number): Float32Array {
    return new Float32Array(n);
  }

  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    b: FloatArray,
    beta: number,
    c: FloatArray,
  ): void {
    scaleInPlace(c, m * n, beta);
    if (!transB) {
      // C[i,:] += alpha * A(i,p) * B[p,:]: the inner loop runs along a row of B and C.
      for (let i = 0; i < m; i++) {
        const ci = i * n;
        for (let p = 0; p < k; p++) {
          const aip = alpha * (transA ? a[p * m + i] : a[i * k + p]);
          if (aip === 0) continue;
          const bp = p * n;
          for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
        }
      }
      return;
    }
    // transB: C[i,j] = sum_p A(i,p) B[j,p]: a dot product along rows of B.
    if (!transA) {
      for (let i = 0; i < m; i++) {
        const ai = i * k;
        for (let j = 0; j < n; j++) {
          const bj = j * k;
          let s = 0;
          for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
          c[i * n + j] += alpha * s;
        }
      }
      return;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[p * m + i] * b[bj + p];
        c[i * n + j] += alpha * s;
      }
    }
  }

  addRowVector(y: FloatArray, v: FloatArray, rows: number, cols: number): void {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) y[o + j] += v[j];
    }
  }

  sumRows(x: FloatArray, rows: number, cols: number, out: FloatArray, beta: number): void {
    scaleInPlace(out, cols, beta);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[j] += x[o + j];
    }
  }

  biasActivation(
    z: FloatArray,
    b: FloatArray,
    a: FloatArray,
    rows: number,
    cols: number,
    act: KernelActivation,
    param: number,
  ): void {
    this.addRowVector(z, b, rows, cols);
    ew.activationForward(z, a, rows * cols, act, param);
  }

  activationBackward(
    z: FloatArray,
    a: FloatArray,
    dA: FloatArray,
    dZ: FloatArray,
    n: number,
    act: KernelActivation,
    param: number,
  ): void {
    ew.activationBackward(z, a, dA, dZ, n, act, param);
  }

  sumSquares(x: FloatArray, n: number): number {
    return ew.sumSquares(x, n);
  }

  shiftedSums(x: FloatArray, n: number, shift: number, out: Float64Array): void {
    ew.shiftedSums(x, n, shift, out);
  }

  countLinearBins(
    x: FloatArray,
    n: number,
    lo: number,
    invWidth: number,
    bins: number,
    counts: Int32Array,
  ): void {
    ew.countLinearBins(x, n, lo, invWidth, bins, counts);
  }

  countCellBins(
    x: Float32Array,
    n: number,
    cell: Int8Array,
    edgeBits: Int32Array,
    bins: number,
    counts: Int32Array,
  ): void {
    ew.countCellBins(x, n, cell, edgeBits, bins, counts);
  }

  normForward(
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
    ew.normForward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, given);
  }

  normActivationForward(
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
    ew.normActivationForward(
      x,
      y,
      xhat,
      gamma,
      beta,
      rows,
      cols,
      axis,
      eps,
      mean,
      invStd,
      given,
      h,
      act,
      param,
    );
  }

  normBackward(
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
    ew.normBackward(dy, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis);
  }

  residualForward(src: FloatArray, z: FloatArray, alpha: number, s: FloatArray, n: number): void {
    ew.residualForward(src, z, alpha, s, n);
  }

  normActivationBackward(
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
    ew.normActivationBackward(
      dh,
      u,
      h,
      act,
      param,
      du,
      xhat,
      gamma,
      invStd,
      dx,
      dGamma,
      dBeta,
      rows,
      cols,
      axis,
      skipGrad,
    );
  }

  biasResidualForward(
    src: FloatArray,
    z: FloatArray,
    b: FloatArray,
    alpha: number,
    s: FloatArray,
    rows: number,
    cols: number,
  ): void {
    ew.biasResidualForward(src, z, b, alpha, s, rows, cols);
  }

  residualBackward(
    dS: FloatArray,
    skipGrad: FloatArray | null,
    z: FloatArray,
    alpha: number,
    dZ: FloatArray,
    n: number,
  ): number {
    return ew.residualBackward(dS, skipGrad, z, alpha, dZ, n);
  }

  sgdStep(w: FloatArray, grad: FloatArray, v: FloatArray | null, n: number, o: SgdStepArgs): number {
    return ew.sgdStep(w, grad, v, n, o);
  }

  adamStep(
    w: FloatArray,
    grad: FloatArray,
    m: FloatArray,
    v: FloatArray,
    n: number,
    o: AdamStepArgs,
  ): number {
    return ew.adamStep(w, grad, m, v, n, o);
  }

  dispose(): void {}
}

/** x[0..n) *= beta, where beta = 0 writes zeros (so NaN or Inf in x does not survive). */
export function scaleInPlace(x: FloatArray, n: number, beta: number): void {
  if (beta === 0) x.fill(0, 0, n);
  else if (beta !== 1) for (let i = 0; i < n; i++) x[i] *= beta;
}
