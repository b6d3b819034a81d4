import type { FloatArray } from "./backend.js";
import type { BackendFactory } from "./backend-factory.js";
import { type FastKernels, FastPathBackend } from "./fast-path-backend.js";
import { nodeBuiltins, packageRoot } from "./node-env.js";

/**
 * The native backend: the Node-API addon built from native/*.c (see native/README.md; AVX-512 or
 * AVX2+FMA micro-kernels chosen at run time, a pthread pool for large products). It works on any
 * Float32Array's memory in place, so `alloc` is a plain Float32Array; Float64Arrays go to the
 * TypeScript reference code. Built at install time by native/build.mjs; when the addon is missing
 * or the CPU lacks AVX2, `nativeUnavailableReason()` says why and initlab falls back to wasm.
 * INITLAB_NATIVE_ISA=avx2 forces the AVX2 kernel on an AVX-512 machine (for testing).
 */

/**
 * The micro-kernel: "avx512" (12 x 32 tile), "avx2" (6 x 16), or "emul512", a slow scalar kernel
 * with the AVX-512 tile shape that lets tests run the AVX-512 blocking on any AVX2 machine.
 */
export type Isa = "avx512" | "avx2" | "emul512";

interface Addon {
  cpu(): { avx2: boolean; avx512f: boolean; x86: boolean };
  create(threads: number, isa: Isa): object;
  destroy(ctx: object): void;
  gemm(
    ctx: object,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    beta: number,
    c: Float32Array,
  ): void;
  addRowVector(y: Float32Array, v: Float32Array, rows: number, cols: number): void;
  sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array, beta: number): void;
  biasActivation(
    z: Float32Array,
    b: Float32Array,
    a: Float32Array,
    rows: number,
    cols: number,
    act: number,
    param: number,
  ): void;
  activationBackward(
    z: Float32Array,
    a: Float32Array,
    dA: Float32Array,
    dZ: Float32Array,
    n: number,
    act: number,
    param: number,
  ): void;
  sumSquares(x: Float32Array, n: number): number;
  shiftedSums(x: Float32Array, n: number, shift: number, out: Float64Array): void;
  countLinearBins(
    x: Float32Array,
    n: number,
    lo: number,
    inv: number,
    bins: number,
    counts: Int32Array,
  ): void;
  countCellBins(
    x: Float32Array,
    n: number,
    cell: Int8Array,
    edgeBits: Int32Array,
    bins: number,
    counts: Int32Array,
  ): void;
  sgdStep(
    w: Float32Array,
    g: Float32Array,
    v: Float32Array | null,
    n: number,
    lr: number,
    momentum: number,
    weightDecay: number,
    nesterov: boolean,
    first: boolean,
    l1: number,
  ): number;
  adamStep(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    c1: number,
    c2: number,
    l1: number,
  ): number;
  residualForward(src: Float32Array, z: Float32Array, alpha: number, s: Float32Array, n: number): void;
  residualBackward(
    dS: Float32Array,
    skipGrad: Float32Array | null,
    z: Float32Array,
    alpha: number,
    dZ: Float32Array,
    n: number,
  ): number;
  normForward(
    x: Float32Array,
    y: Float32Array,
    xhat: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    rows: number,
    cols: number,
    axis: number,
    eps: number,
    mean: Float32Array,
    invStd: Float32Array,
    given: boolean,
  ): void;
  normActivationForward(
    x: Float32Array,
    y: Float32Array,
    xhat: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    rows: number,
    cols: number,
    axis: number,
    eps: number,
    mean: Float32Array,
    invStd: Float32Array,
    given: boolean,
    h: Float32Array,
    act: number,
    param: number,
  ): void;
  normActivationBackward(
    dh: Float32Array,
    u: Float32Array,
    h: Float32Array,
    act: number,
    param: number,
    du: Float32Array,
    xhat: Float32Array,
    gamma: Float32Array,
    invStd: Float32Array,
    dx: Float32Array,
    dGamma: Float32Array,
    dBeta: Float32Array,
    rows: number,
    cols: number,
    axis: number,
    skipGrad: Float32Array | null,
  ): void;
  biasResidualForward(
    src: Float32Array,
    z: Float32Array,
    b: Float32Array,
    alpha: number,
    s: Float32Array,
    rows: number,
    cols: number,
  ): void;
  normBackward(
    dy: Float32Array,
    xhat: Float32Array,
    gamma: Float32Array,
    invStd: Float32Array,
    dx: Float32Array,
    dGamma: Float32Array,
    dBeta: Float32Array,
    rows: number,
    cols: number,
    axis: number,
  ): void;
}

export class NativeBackend extends FastPathBackend<Float32Array> {
  readonly name = "native" as const;
  private ctx: object | null;
  /** The addon works on any Float32Array in place; it checks the lengths itself (RangeError). */
  protected readonly kernels: FastKernels<Float32Array>;

  constructor(
    private readonly addon: Addon,
    readonly threads: number,
    /** The micro-kernel in use. */
    readonly variant: Isa,
  ) {
    super();
    this.ctx = addon.create(threads, variant);
    this.kernels = {
      addRowVector: addon.addRowVector,
      sumRows: addon.sumRows,
      biasActivation: addon.biasActivation,
      activationBackward: addon.activationBackward,
      sumSquares: addon.sumSquares,
      shiftedSums: (x, n, shift, out) => {
        addon.shiftedSums(x, n, shift, out);
        return true;
      },
      countLinearBins: (x, n, lo, inv, bins, counts) => {
        addon.countLinearBins(x, n, lo, inv, bins, counts);
        return true;
      },
      countCellBins: (x, n, cell, edgeBits, bins, counts) => {
        addon.countCellBins(x, n, cell, edgeBits, bins, counts);
        return true;
      },
      residualForward: addon.residualForward,
      residualBackward: addon.residualBackward,
      normForward: addon.normForward,
      normBackward: addon.normBackward,
      normActivationForward: addon.normActivationForward,
      biasResidualForward: addon.biasResidualForward,
      normActivationBackward: addon.normActivationBackward,
      sgdStep: (w, g, v, n, o) =>
        addon.sgdStep(w, g, v, n, o.lr, o.momentum, o.weightDecay, o.nesterov, o.first, o.l1 ?? 0),
      adamStep: (w, g, m, v, n, o) =>
        addon.adamStep(w, g, m, v, n, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.c1, o.c2, o.l1 ?? 0),
    };
  }

  protected reach(x: FloatArray): Float32Array | null {
    return x instanceof Float32Array ? x : null;
  }

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
    if (a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) {
      this.addon.gemm(this.live(), transA, transB, m, n, k, alpha, a, b, beta, c);
    } else this.reference.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
  }

  dispose(): void {
    if (this.ctx) this.addon.destroy(this.ctx);
    this.ctx = null;
  }

  private live(): object {
    if (!this.ctx) throw new Error("native backend: used after dispose()");
    return this.ctx;
  }
}

let loaded: { addon: Addon | null; reason: string | null } | undefined;

function load(): { addon: Addon | null; reason: string | null } {
  if (loaded) return loaded;
  loaded = (() => {
    const node = nodeBuiltins();
    const root = packageRoot();
    if (!node || !root) return { addon: null, reason: "native kernels need Node" };
    const file = node.path.join(root, "native", "build", "Release", "initlab_kernels.node");
    if (!node.fs.existsSync(file)) {
      return { addon: null, reason: `${file} is missing (build it with: node native/build.mjs)` };
    }
    let addon: Addon;
    try {
      addon = node.module.createRequire(import.meta.url)(file) as Addon;
    } catch (e) {
      return { addon: null, reason: `cannot load ${file}: ${(e as Error).message.split("\n")[0]}` };
    }
    const cpu = addon.cpu();
    if (!cpu.x86) return { addon: null, reason: "native kernels need an x86-64 CPU" };
    if (!cpu.avx2) return { addon: null, reason: "this CPU lacks AVX2+FMA, which the native kernels need" };
    return { addon, reason: null };
  })();
  return loaded;
}

/** null when the native backend can run here, else why not (for a one-line notice). */
export function nativeUnavailableReason(): string | null {
  return load().reason;
}

/** Instruction sets the native kernels can use on this CPU, best first (empty when unavailable). */
export function nativeIsas(): ("avx512" | "avx2")[] {
  const { addon } = load();
  if (!addon) return [];
  return addon.cpu().avx512f ? ["avx512", "avx2"] : ["avx2"];
}

/**
 * The native backend; `threads` pthreads (the calling thread included) share large products.
 * `isa` picks the micro-kernel (default: the best the CPU has, or INITLAB_NATIVE_ISA).
 */
export async function createNativeBackend(
  options: { threads?: number; isa?: Isa } = {},
): Promise<NativeBackend> {
  const { addon, reason } = load();
  if (!addon) throw new Error(`backend "native" is not available: ${reason}`);
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const isas = nativeIsas();
  const wanted = options.isa ?? (env.INITLAB_NATIVE_ISA as Isa | undefined) ?? isas[0];
  if (!(isas as Isa[]).includes(wanted) && wanted !== "emul512")
    throw new Error(
      `native backend: instruction set "${wanted}" not supported here; valid: ${isas.join(", ")}`,
    );
  return new NativeBackend(addon, Math.max(1, Math.floor(options.threads ?? 1)), wanted);
}

export const nativeBackendFactory: BackendFactory = {
  name: "native",
  unavailableReason: nativeUnavailableReason,
  create: (options) => createNativeBackend(options),
};
