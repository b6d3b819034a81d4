import {
  type AdamStepArgs,
  type Backend,
  type BackendName,
  type FloatArray,
  KERNEL_ACTIVATION_CODE,
  type KernelActivation,
  NORM_AXIS_CODE,
  type NormAxis,
  type SgdStepArgs,
} from "./backend.js";
import * as ew from "./elementwise.js";
import { TsBackend } from "./ts-backend.js";

/**
 * The element-wise, vector and optimizer kernels a fast backend runs itself, on operands it can
 * reach. A handle `H` is what its code takes for an array: the Float32Array itself for the native
 * addon, a byte address in its WebAssembly memory for wasm. Activations arrive as their ABI codes
 * (KERNEL_ACTIVATION_CODE). Contracts: the `Backend` methods of the same names.
 */
export interface FastKernels<H> {
  addRowVector(y: H, v: H, rows: number, cols: number): void;
  sumRows(x: H, rows: number, cols: number, out: H, beta: number): void;
  biasActivation(z: H, b: H, a: H, rows: number, cols: number, act: number, param: number): void;
  activationBackward(z: H, a: H, dA: H, dZ: H, n: number, act: number, param: number): void;
  sumSquares(x: H, n: number): number;
  /** The results go to `out` (a host array); false when the kernel could not run (no scratch memory). */
  shiftedSums(x: H, n: number, shift: number, out: Float64Array): boolean;
  /** The counts go to `counts` (a host array); false when the kernel could not run. */
  countLinearBins(x: H, n: number, lo: number, invWidth: number, bins: number, counts: Int32Array): boolean;
  /** The tables were checked (ew.checkCellTable); false when the kernel could not run. */
  countCellBins(
    x: H,
    n: number,
    cell: Int8Array,
    edgeBits: Int32Array,
    bins: number,
    counts: Int32Array,
  ): boolean;
  /** axis: NORM_AXIS_CODE; rows, cols > 0. */
  normForward(
    x: H,
    y: H,
    xhat: H,
    gamma: H,
    beta: H,
    rows: number,
    cols: number,
    axis: number,
    eps: number,
    mean: H,
    invStd: H,
    given: boolean,
  ): void;
  /** normForward, then h = phi(y); act: KERNEL_ACTIVATION_CODE; rows, cols > 0. */
  normActivationForward(
    x: H,
    y: H,
    xhat: H,
    gamma: H,
    beta: H,
    rows: number,
    cols: number,
    axis: number,
    eps: number,
    mean: H,
    invStd: H,
    given: boolean,
    h: H,
    act: number,
    param: number,
  ): void;
  /** axis: NORM_AXIS_CODE; rows, cols > 0. */
  normBackward(
    dy: H,
    xhat: H,
    gamma: H,
    invStd: H,
    dx: H,
    dGamma: H,
    dBeta: H,
    rows: number,
    cols: number,
    axis: number,
  ): void;
  residualForward(src: H, z: H, alpha: number, s: H, n: number): void;
  /** act: KERNEL_ACTIVATION_CODE, axis: NORM_AXIS_CODE; rows, cols > 0; skipGrad null: none. */
  normActivationBackward(
    dh: H,
    u: H,
    h: H,
    act: number,
    param: number,
    du: H,
    xhat: H,
    gamma: H,
    invStd: H,
    dx: H,
    dGamma: H,
    dBeta: H,
    rows: number,
    cols: number,
    axis: number,
    skipGrad: H | null,
  ): void;
  /** rows, cols > 0. */
  biasResidualForward(src: H, z: H, b: H, alpha: number, s: H, rows: number, cols: number): void;
  /** skipGrad is null when nothing arrives through a skip. */
  residualBackward(dS: H, skipGrad: H | null, z: H, alpha: number, dZ: H, n: number): number;
  /** v is null without momentum; the L1 term is o.l1 (absent = 0). */
  sgdStep(w: H, grad: H, v: H | null, n: number, o: SgdStepArgs): number;
  adamStep(w: H, grad: H, m: H, v: H, n: number, o: AdamStepArgs): number;
}

/**
 * The float32-or-fallback dispatch of the fast backends, written once: each method asks `reach` for
 * a handle on every operand (all of them, so every length is checked) and runs the backend's
 * kernel when all are reachable, else the TypeScript reference (Float64Arrays, arrays outside the
 * backend's memory). Empty sizes return the reference's result without calling anything. A
 * backend lists only its fast paths: `reach`, `kernels`, and its own gemm, alloc and dispose.
 */
export abstract class FastPathBackend<H> implements Backend {
  abstract readonly name: BackendName;
  abstract readonly threads: number;
  /** The reference every fallback goes to. */
  protected readonly reference = new TsBackend();
  protected abstract readonly kernels: FastKernels<H>;
  private readonly checkedTables = new WeakSet<Int8Array>();

  /**
   * The handle of x[0..len) for the kernels, or null when they cannot work on x (the reference
   * then runs). May throw a RangeError naming `what` when x is shorter than len.
   */
  protected abstract reach(x: FloatArray, len: number, what: string): H | null;

  abstract alloc(n: number): Float32Array;
  abstract gemm(
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
  ): void;
  abstract dispose(): void;

  addRowVector(y: FloatArray, v: FloatArray, rows: number, cols: number): void {
    if (rows <= 0 || cols <= 0) return;
    const py = this.reach(y, rows * cols, "y");
    const pv = this.reach(v, cols, "v");
    if (py === null || pv === null) this.reference.addRowVector(y, v, rows, cols);
    else this.kernels.addRowVector(py, pv, rows, cols);
  }

  sumRows(x: FloatArray, rows: number, cols: number, out: FloatArray, beta: number): void {
    if (cols <= 0) return;
    const r = Math.max(rows, 0);
    const px = this.reach(x, r * cols, "x");
    const po = this.reach(out, cols, "out");
    if (px === null || po === null) this.reference.sumRows(x, rows, cols, out, beta);
    else this.kernels.sumRows(px, r, cols, po, beta);
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
    if (rows <= 0 || cols <= 0) return;
    const pz = this.reach(z, rows * cols, "z");
    const pb = this.reach(b, cols, "b");
    const pa = this.reach(a, rows * cols, "a");
    if (pz === null || pb === null || pa === null)
      this.reference.biasActivation(z, b, a, rows, cols, act, param);
    else this.kernels.biasActivation(pz, pb, pa, rows, cols, KERNEL_ACTIVATION_CODE[act], param);
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
    if (n <= 0) return;
    const pz = this.reach(z, n, "z");
    const pa = this.reach(a, n, "a");
    const pda = this.reach(dA, n, "dA");
    const pdz = this.reach(dZ, n, "dZ");
    if (pz === null || pa === null || pda === null || pdz === null) {
      ew.activationBackward(z, a, dA, dZ, n, act, param);
    } else this.kernels.activationBackward(pz, pa, pda, pdz, n, KERNEL_ACTIVATION_CODE[act], param);
  }

  sumSquares(x: FloatArray, n: number): number {
    if (n <= 0) return 0;
    const px = this.reach(x, n, "x");
    return px === null ? ew.sumSquares(x, n) : this.kernels.sumSquares(px, n);
  }

  shiftedSums(x: FloatArray, n: number, shift: number, out: Float64Array): void {
    const px = n > 0 ? this.reach(x, n, "x") : null;
    if (px === null || !this.kernels.shiftedSums(px, n, shift, out)) ew.shiftedSums(x, n, shift, out);
  }

  countLinearBins(
    x: FloatArray,
    n: number,
    lo: number,
    invWidth: number,
    bins: number,
    counts: Int32Array,
  ): void {
    const px = n > 0 ? this.reach(x, n, "x") : null;
    if (px === null || !this.kernels.countLinearBins(px, n, lo, invWidth, bins, counts)) {
      ew.countLinearBins(x, n, lo, invWidth, bins, counts);
    }
  }

  countCellBins(
    x: Float32Array,
    n: number,
    cell: Int8Array,
    edgeBits: Int32Array,
    bins: number,
    counts: Int32Array,
  ): void {
    const px = n > 0 ? this.reach(x, n, "x") : null;
    if (px !== null && !this.checkedTables.has(cell)) {
      ew.checkCellTable(cell, edgeBits, bins);
      this.checkedTables.add(cell);
    }
    if (px === null || !this.kernels.countCellBins(px, n, cell, edgeBits, bins, counts)) {
      ew.countCellBins(x, n, cell, edgeBits, bins, counts);
    }
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
    if (rows > 0 && cols > 0) {
      const n = rows * cols;
      const groups = axis === "batch" ? cols : rows;
      const px = this.reach(x, n, "x");
      const py = this.reach(y, n, "y");
      const ph = this.reach(xhat, n, "xhat");
      const pg = this.reach(gamma, cols, "gamma");
      const pb = this.reach(beta, cols, "beta");
      const pm = this.reach(mean, groups, "mean");
      const pi = this.reach(invStd, groups, "invStd");
      if (
        px !== null &&
        py !== null &&
        ph !== null &&
        pg !== null &&
        pb !== null &&
        pm !== null &&
        pi !== null
      ) {
        const code = NORM_AXIS_CODE[axis];
        this.kernels.normForward(px, py, ph, pg, pb, rows, cols, code, eps, pm, pi, given);
        return;
      }
    }
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
    if (rows > 0 && cols > 0) {
      const n = rows * cols;
      const groups = axis === "batch" ? cols : rows;
      const px = this.reach(x, n, "x");
      const py = this.reach(y, n, "y");
      const ph = this.reach(xhat, n, "xhat");
      const pg = this.reach(gamma, cols, "gamma");
      const pb = this.reach(beta, cols, "beta");
      const pm = this.reach(mean, groups, "mean");
      const pi = this.reach(invStd, groups, "invStd");
      const pa = this.reach(h, n, "h");
      if (
        px !== null &&
        py !== null &&
        ph !== null &&
        pg !== null &&
        pb !== null &&
        pm !== null &&
        pi !== null &&
        pa !== null
      ) {
        const code = NORM_AXIS_CODE[axis];
        const a = KERNEL_ACTIVATION_CODE[act];
        this.kernels.normActivationForward(
          px,
          py,
          ph,
          pg,
          pb,
          rows,
          cols,
          code,
          eps,
          pm,
          pi,
          given,
          pa,
          a,
          param,
        );
        return;
      }
    }
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
    if (rows > 0 && cols > 0) {
      const n = rows * cols;
      const pdy = this.reach(dy, n, "dy");
      const ph = this.reach(xhat, n, "xhat");
      const pg = this.reach(gamma, cols, "gamma");
      const pi = this.reach(invStd, axis === "batch" ? cols : rows, "invStd");
      const pdx = this.reach(dx, n, "dx");
      const pdg = this.reach(dGamma, cols, "dGamma");
      const pdb = this.reach(dBeta, cols, "dBeta");
      if (
        pdy !== null &&
        ph !== null &&
        pg !== null &&
        pi !== null &&
        pdx !== null &&
        pdg !== null &&
        pdb !== null
      ) {
        this.kernels.normBackward(pdy, ph, pg, pi, pdx, pdg, pdb, rows, cols, NORM_AXIS_CODE[axis]);
        return;
      }
    }
    ew.normBackward(dy, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis);
  }

  residualForward(src: FloatArray, z: FloatArray, alpha: number, s: FloatArray, n: number): void {
    if (n <= 0) return;
    const pSrc = this.reach(src, n, "src");
    const pz = this.reach(z, n, "z");
    const ps = this.reach(s, n, "s");
    if (pSrc === null || pz === null || ps === null) ew.residualForward(src, z, alpha, s, n);
    else this.kernels.residualForward(pSrc, pz, alpha, ps, n);
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
    if (rows > 0 && cols > 0) {
      const n = rows * cols;
      const groups = axis === "batch" ? cols : rows;
      const p = [
        this.reach(dh, n, "dh"),
        this.reach(u, n, "u"),
        this.reach(h, n, "h"),
        this.reach(du, n, "du"),
        this.reach(xhat, n, "xhat"),
        this.reach(gamma, cols, "gamma"),
        this.reach(invStd, groups, "invStd"),
        this.reach(dx, n, "dx"),
        this.reach(dGamma, cols, "dGamma"),
        this.reach(dBeta, cols, "dBeta"),
      ];
      const pt = skipGrad === null ? null : this.reach(skipGrad, n, "skipGrad");
      if (!p.includes(null) && (skipGrad === null || pt !== null)) {
        const [a, b, c, d, e, f, g, i, j, k] = p as H[];
        const code = KERNEL_ACTIVATION_CODE[act];
        this.kernels.normActivationBackward(
          a,
          b,
          c,
          code,
          param,
          d,
          e,
          f,
          g,
          i,
          j,
          k,
          rows,
          cols,
          NORM_AXIS_CODE[axis],
          pt,
        );
        return;
      }
    }
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
    if (rows <= 0 || cols <= 0) return;
    const n = rows * cols;
    const pSrc = this.reach(src, n, "src");
    const pz = this.reach(z, n, "z");
    const pb = this.reach(b, cols, "b");
    const ps = this.reach(s, n, "s");
    if (pSrc === null || pz === null || pb === null || ps === null)
      ew.biasResidualForward(src, z, b, alpha, s, rows, cols);
    else this.kernels.biasResidualForward(pSrc, pz, pb, alpha, ps, rows, cols);
  }

  residualBackward(
    dS: FloatArray,
    skipGrad: FloatArray | null,
    z: FloatArray,
    alpha: number,
    dZ: FloatArray,
    n: number,
  ): number {
    if (n <= 0) return 0;
    const pdS = this.reach(dS, n, "dS");
    const pt = skipGrad === null ? null : this.reach(skipGrad, n, "skipGrad");
    const pz = this.reach(z, n, "z");
    const pdZ = this.reach(dZ, n, "dZ");
    if (pdS === null || (skipGrad !== null && pt === null) || pz === null || pdZ === null)
      return ew.residualBackward(dS, skipGrad, z, alpha, dZ, n);
    return this.kernels.residualBackward(pdS, pt, pz, alpha, pdZ, n);
  }

  sgdStep(w: FloatArray, grad: FloatArray, v: FloatArray | null, n: number, o: SgdStepArgs): number {
    if (n <= 0) return 0;
    const pw = this.reach(w, n, "w");
    const pg = this.reach(grad, n, "grad");
    const pv = v === null ? null : this.reach(v, n, "v");
    if (pw === null || pg === null || (v !== null && pv === null)) return ew.sgdStep(w, grad, v, n, o);
    return this.kernels.sgdStep(pw, pg, pv, n, o);
  }

  adamStep(
    w: FloatArray,
    grad: FloatArray,
    m: FloatArray,
    v: FloatArray,
    n: number,
    o: AdamStepArgs,
  ): number {
    if (n <= 0) return 0;
    const pw = this.reach(w, n, "w");
    const pg = this.reach(grad, n, "grad");
    const pm = this.reach(m, n, "m");
    const pv = this.reach(v, n, "v");
    if (pw === null || pg === null || pm === null || pv === null) return ew.adamStep(w, grad, m, v, n, o);
    return this.kernels.adamStep(pw, pg, pm, pv, n, o);
  }
}
