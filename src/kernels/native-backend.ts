import {
  type AdamStepArgs,
  type Backend,
  type FloatArray,
  KERNEL_ACTIVATION_CODE,
  type KernelActivation,
  type SgdStepArgs,
} from "./backend.js";
import type { BackendFactory } from "./backend-factory.js";
import * as ew from "./elementwise.js";
import { nodeBuiltins, packageRoot } from "./node-env.js";
import { TsBackend } from "./ts-backend.js";

/**
 * The native backend: the Node-API addon built from native/initlab_kernels.c (AVX-512 or
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
  ): number;
}

const f32 = (x: FloatArray | null): x is Float32Array => x instanceof Float32Array;

export class NativeBackend implements Backend {
  readonly name = "native" as const;
  private readonly ts = new TsBackend();
  private ctx: object | null;

  constructor(
    private readonly addon: Addon,
    readonly threads: number,
    /** The micro-kernel in use. */
    readonly variant: Isa,
  ) {
    this.ctx = addon.create(threads, variant);
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
    } else {
      this.ts.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    }
  }

  addRowVector(y: FloatArray, v: FloatArray, rows: number, cols: number): void {
    if (y instanceof Float32Array && v instanceof Float32Array) this.addon.addRowVector(y, v, rows, cols);
    else this.ts.addRowVector(y, v, rows, cols);
  }

  sumRows(x: FloatArray, rows: number, cols: number, out: FloatArray, beta: number): void {
    if (x instanceof Float32Array && out instanceof Float32Array)
      this.addon.sumRows(x, rows, cols, out, beta);
    else this.ts.sumRows(x, rows, cols, out, beta);
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
    if (f32(z) && f32(b) && f32(a))
      this.addon.biasActivation(z, b, a, rows, cols, KERNEL_ACTIVATION_CODE[act], param);
    else this.ts.biasActivation(z, b, a, rows, cols, act, param);
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
    if (f32(z) && f32(a) && f32(dA) && f32(dZ))
      this.addon.activationBackward(z, a, dA, dZ, n, KERNEL_ACTIVATION_CODE[act], param);
    else ew.activationBackward(z, a, dA, dZ, n, act, param);
  }

  sumSquares(x: FloatArray, n: number): number {
    return f32(x) ? this.addon.sumSquares(x, n) : ew.sumSquares(x, n);
  }

  shiftedSums(x: FloatArray, n: number, shift: number, out: Float64Array): void {
    if (f32(x) && n > 0) this.addon.shiftedSums(x, n, shift, out);
    else ew.shiftedSums(x, n, shift, out);
  }

  countLinearBins(
    x: FloatArray,
    n: number,
    lo: number,
    invWidth: number,
    bins: number,
    counts: Int32Array,
  ): void {
    if (f32(x)) this.addon.countLinearBins(x, n, lo, invWidth, bins, counts);
    else ew.countLinearBins(x, n, lo, invWidth, bins, counts);
  }

  countCellBins(
    x: Float32Array,
    n: number,
    cell: Int8Array,
    edgeBits: Int32Array,
    bins: number,
    counts: Int32Array,
  ): void {
    if (!this.checkedTables.has(cell)) {
      ew.checkCellTable(cell, edgeBits, bins);
      this.checkedTables.add(cell);
    }
    this.addon.countCellBins(x, n, cell, edgeBits, bins, counts);
  }

  private readonly checkedTables = new WeakSet<Int8Array>();

  sgdStep(w: FloatArray, grad: FloatArray, v: FloatArray | null, n: number, o: SgdStepArgs): number {
    if (f32(w) && f32(grad) && (v === null || f32(v)))
      return this.addon.sgdStep(w, grad, v, n, o.lr, o.momentum, o.weightDecay, o.nesterov, o.first);
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
    if (f32(w) && f32(grad) && f32(m) && f32(v))
      return this.addon.adamStep(w, grad, m, v, n, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.c1, o.c2);
    return ew.adamStep(w, grad, m, v, n, o);
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
