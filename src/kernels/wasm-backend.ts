import type { FloatArray } from "./backend.js";
import type { BackendFactory } from "./backend-factory.js";
import { type FastKernels, FastPathBackend } from "./fast-path-backend.js";
import { nodeBuiltins, packageRoot } from "./node-env.js";
import { scaleInPlace } from "./ts-backend.js";
import { WasmHeap } from "./wasm-heap.js";
import { type GemmFn, WasmThreadPool } from "./wasm-pool.js";

/**
 * The WebAssembly SIMD backend: the AssemblyScript kernels of asc/ (built into build/wasm/ by
 * asc/build.mjs) on one WebAssembly.Memory. `alloc` hands out views into that memory, so the
 * kernels read and write the network's buffers in place. Memory model: see WasmHeap (shared
 * memory grows without detaching views; non-shared memory is reserved up front and never grown).
 * Float32Arrays from elsewhere are copied in and out of a staging block (or, when memory is
 * exhausted, handled by the TypeScript reference code); Float64Arrays always go to the reference.
 * Threads (Node, shared memory only): worker_threads on the same memory split the rows or
 * columns of C in whole register tiles; every output element is summed in the same order
 * whatever the thread count, so results do not depend on it.
 */

interface WasmExports {
  gemm: GemmFn;
  heapBase(): number;
  workBytes(): number;
  relaxed(): number;
  tileRows(): number;
  addRowVector(y: number, v: number, rows: number, cols: number): void;
  sumRows(x: number, rows: number, cols: number, out: number, beta: number): void;
  biasActivation(
    z: number,
    b: number,
    a: number,
    rows: number,
    cols: number,
    act: number,
    param: number,
  ): void;
  activationBackward(
    z: number,
    a: number,
    dA: number,
    dZ: number,
    n: number,
    act: number,
    param: number,
  ): void;
  sumSquares(x: number, n: number): number;
  shiftedSums(x: number, n: number, shift: number, out: number): void;
  countLinearBins(x: number, n: number, lo: number, inv: number, bins: number, counts: number): void;
  countCellBins(x: number, n: number, cell: number, edgeBits: number, bins: number, counts: number): void;
  sgdStep(
    w: number,
    g: number,
    v: number,
    n: number,
    lr: number,
    momentum: number,
    weightDecay: number,
    nesterov: number,
    first: number,
    l1: number,
  ): number;
  adamStep(
    w: number,
    g: number,
    m: number,
    v: number,
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
  residualForward(src: number, z: number, alpha: number, s: number, n: number): void;
  residualBackward(dS: number, skipGrad: number, z: number, alpha: number, dZ: number, n: number): number;
  normForward(
    x: number,
    y: number,
    xhat: number,
    gamma: number,
    beta: number,
    rows: number,
    cols: number,
    axis: number,
    eps: number,
    mean: number,
    invStd: number,
    given: number,
  ): void;
  normActivationForward(
    x: number,
    y: number,
    xhat: number,
    gamma: number,
    beta: number,
    rows: number,
    cols: number,
    axis: number,
    eps: number,
    mean: number,
    invStd: number,
    given: number,
    h: number,
    act: number,
    param: number,
  ): void;
  normActivationBackward(
    dh: number,
    u: number,
    h: number,
    act: number,
    param: number,
    du: number,
    xhat: number,
    gamma: number,
    invStd: number,
    dx: number,
    dGamma: number,
    dBeta: number,
    rows: number,
    cols: number,
    axis: number,
    skipGrad: number,
  ): void;
  biasResidualForward(
    src: number,
    z: number,
    b: number,
    alpha: number,
    s: number,
    rows: number,
    cols: number,
  ): void;
  normBackward(
    dy: number,
    xhat: number,
    gamma: number,
    invStd: number,
    dx: number,
    dGamma: number,
    dBeta: number,
    rows: number,
    cols: number,
    axis: number,
  ): void;
}

export interface WasmBackendOptions {
  /** Threads for one gemm (workers + the calling thread); needs shared memory and Node. Default 1. */
  threads?: number;
  /** Non-shared memory only: bytes reserved when the backend is created (default 256 MiB). */
  reserveBytes?: number;
  /** Shared memory only: the most the memory may grow to (default 4 GiB, the wasm32 limit). */
  maxBytes?: number;
}

const PAGE = 65536;
/** Columns of the register tile (the rows, 4 or 6, come from the module: tileRows()). */
const NR = 8;
/** Below this many flops (2 m n k) a gemm runs on one thread: waking workers costs more. */
const PARALLEL_MIN_FLOPS = 1 << 21;

export class WasmBackend extends FastPathBackend<number> {
  readonly name = "wasm" as const;
  readonly threads: number;
  /** On byte addresses in this memory; sums and counts come back through the staging block. */
  protected readonly kernels: FastKernels<number>;
  private stagePtr = 0;
  private stageBytes = 0;
  private disposed = false;

  constructor(
    private readonly ex: WasmExports,
    private readonly heap: WasmHeap,
    /** Byte addresses of the gemm workspaces: [0] for the calling thread, then one per worker. */
    private readonly work: number[],
    private readonly pool: WasmThreadPool | null,
    /** "simd" or "relaxed-simd", with "+shared" for shared memory: for reports. */
    readonly variant: string,
  ) {
    super();
    this.threads = 1 + (pool ? pool.size : 0);
    this.kernels = {
      addRowVector: ex.addRowVector,
      sumRows: ex.sumRows,
      biasActivation: ex.biasActivation,
      activationBackward: ex.activationBackward,
      sumSquares: ex.sumSquares,
      shiftedSums: (px, n, shift, out) => {
        const po = this.stage(16);
        if (po < 0) return false;
        ex.shiftedSums(px, n, shift, po);
        out.set(heap.f64(po, 2));
        return true;
      },
      countLinearBins: (px, n, lo, inv, bins, counts) => {
        const pc = this.stage(4 * (bins + 3));
        if (pc < 0) return false;
        ex.countLinearBins(px, n, lo, inv, bins, pc);
        counts.set(heap.i32(pc, bins + 3));
        return true;
      },
      countCellBins: (px, n, cell, edgeBits, bins, counts) => {
        const tables = this.tables(cell, edgeBits);
        const pc = tables ? this.stage(4 * (bins + 4)) : -1;
        if (!tables || pc < 0) return false;
        ex.countCellBins(px, n, tables[0], tables[1], bins, pc);
        counts.set(heap.i32(pc, bins + 4));
        return true;
      },
      normForward: (x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, given) =>
        ex.normForward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, given ? 1 : 0),
      normBackward: ex.normBackward,
      normActivationForward: (
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
      ) =>
        ex.normActivationForward(
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
          given ? 1 : 0,
          h,
          act,
          param,
        ),
      biasResidualForward: ex.biasResidualForward,
      // skipGrad = 0: none (never a heap address)
      normActivationBackward: (
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
        t,
      ) =>
        ex.normActivationBackward(
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
          t ?? 0,
        ),
      residualForward: ex.residualForward,
      // skipGrad = 0: none (never a heap address)
      residualBackward: (dS, t, z, alpha, dZ, n) => ex.residualBackward(dS, t ?? 0, z, alpha, dZ, n),
      // v = 0: no momentum buffer (never a heap address)
      sgdStep: (w, g, v, n, o) =>
        ex.sgdStep(
          w,
          g,
          v ?? 0,
          n,
          o.lr,
          o.momentum,
          o.weightDecay,
          o.nesterov ? 1 : 0,
          o.first ? 1 : 0,
          o.l1 ?? 0,
        ),
      adamStep: (w, g, m, v, n, o) =>
        ex.adamStep(w, g, m, v, n, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.c1, o.c2, o.l1 ?? 0),
    };
  }

  /** The byte address of x when it lives in this memory (checking its length), else null. */
  protected reach(x: FloatArray, len: number, what: string): number | null {
    need(x, len, what);
    const p = this.heap.addressOf(x);
    return p < 0 ? null : p;
  }

  /** A float32 array inside the module's memory (the kernels reach it without a copy). */
  alloc(n: number): Float32Array {
    const p = this.heap.tryAlloc(n * 4);
    if (p < 0) {
      throw new Error(
        `wasm backend: out of memory allocating ${n} floats (${this.heap.used} bytes in use; ` +
          `non-shared memory is reserved up front, see the reserveBytes option)`,
      );
    }
    return this.heap.f32(p, n);
  }

  /** C = alpha op(A) op(B) + beta C in the WebAssembly kernels (Backend.gemm's contract). */
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
    if (m <= 0 || n <= 0) return;
    need(c, m * n, "c");
    if (k <= 0 || alpha === 0) {
      scaleInPlace(c, m * n, beta);
      return;
    }
    need(a, m * k, "a");
    need(b, k * n, "b");
    const heap = this.heap;
    let pa = heap.addressOf(a);
    let pb = heap.addressOf(b);
    let pc = heap.addressOf(c);
    if (pa >= 0 && pb >= 0 && pc >= 0) {
      this.run(transA, transB, m, n, k, alpha, pa, pb, beta, pc);
      return;
    }
    // Some operand lives outside this memory: copy float32 operands into the staging block.
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      this.reference.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    const sizes = [pa < 0 ? m * k : 0, pb < 0 ? k * n : 0, pc < 0 ? m * n : 0];
    const base = this.stage(4 * (sizes[0] + sizes[1] + sizes[2]) + 128);
    if (base < 0) {
      this.reference.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    let at = base;
    const put = (x: Float32Array, len: number, copy: boolean): number => {
      const p = at;
      if (copy) heap.f32(p, len).set(x.subarray(0, len));
      // float arithmetic: a 32-bit `& ~63` would wrap addresses above 2 GiB to negative ones
      at = Math.ceil((at + 4 * len) / 64) * 64;
      return p;
    };
    if (pa < 0) pa = put(a, m * k, true);
    if (pb < 0) pb = put(b, k * n, true);
    const cOut = pc < 0;
    if (cOut) pc = put(c, m * n, beta !== 0);
    this.run(transA, transB, m, n, k, alpha, pa, pb, beta, pc);
    if (cOut) c.set(heap.f32(pc, m * n));
  }

  /** Stops the worker threads of this backend. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool?.dispose();
  }

  /** Copies of histogram tables in this memory, made once per table object. */
  private readonly tableCopies = new WeakMap<object, number>();
  private tables(cell: Int8Array, edgeBits: Int32Array): [number, number] | null {
    const copy = (t: Int8Array | Int32Array): number => {
      let p = this.tableCopies.get(t) ?? -1;
      if (p < 0) {
        p = this.heap.tryAlloc(t.byteLength);
        if (p < 0) return -1;
        new Uint8Array(this.heap.memory.buffer, p, t.byteLength).set(
          new Uint8Array(t.buffer, t.byteOffset, t.byteLength),
        );
        this.tableCopies.set(t, p);
      }
      return p;
    };
    const pc = copy(cell);
    const pe = copy(edgeBits);
    return pc < 0 || pe < 0 ? null : [pc, pe];
  }

  /**
   * Byte address of a staging block of at least `bytes` (grown by half again when outgrown): for
   * operands that live outside this memory and for kernel results read back right after the call.
   */
  private stage(bytes: number): number {
    if (bytes <= this.stageBytes) return this.stagePtr;
    const size = Math.max(bytes, Math.ceil(this.stageBytes * 1.5));
    const p = this.heap.tryAlloc(size);
    if (p < 0) return -1;
    this.stagePtr = p;
    this.stageBytes = size;
    return p;
  }

  private run(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    pa: number,
    pb: number,
    beta: number,
    pc: number,
  ): void {
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const ex = this.ex;
    const pool = this.pool;
    // Split the longer side of C into whole register tiles (NR columns or tileRows() rows).
    const byCols = n >= m;
    const unit = byCols ? NR : ex.tileRows();
    const parts = Math.min(this.threads, Math.ceil((byCols ? n : m) / unit));
    if (!pool || parts <= 1 || 2 * m * n * k < PARALLEL_MIN_FLOPS) {
      ex.gemm(ta, tb, m, n, k, alpha, pa, pb, beta, pc, 0, m, 0, n, this.work[0]);
      return;
    }
    const job = { transA: ta, transB: tb, m, n, k, alpha, a: pa, b: pb, beta, c: pc };
    pool.run(job, byCols, unit, parts, ex.gemm, this.work[0]);
  }
}

function need(x: FloatArray, len: number, what: string): void {
  if (x.length < len)
    throw new RangeError(`gemm/vector kernel: ${what} has ${x.length} elements, needs ${len}`);
}

function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated !== false;
}

/**
 * A WebAssembly backend from the bytes of one of the build/wasm/*.wasm files (in a browser: fetch
 * them and pass them here). Give `{ shared, plain }` to let the loader choose: the shared-memory
 * build when SharedArrayBuffer is usable (threads, on-demand growth), else the plain one (memory
 * reserved up front, one thread).
 */
export async function createWasmBackendFromBytes(
  bytes: BufferSource | { shared?: BufferSource; plain?: BufferSource },
  options: WasmBackendOptions = {},
): Promise<WasmBackend> {
  const given = ArrayBuffer.isView(bytes) || bytes instanceof ArrayBuffer ? { either: bytes } : bytes;
  const candidates: { bytes: BufferSource; shared: boolean }[] = [];
  const sharedOk = canShareMemory();
  if ("either" in given) {
    if (sharedOk) candidates.push({ bytes: given.either as BufferSource, shared: true });
    candidates.push({ bytes: given.either as BufferSource, shared: false });
  } else {
    if (given.shared && sharedOk) candidates.push({ bytes: given.shared, shared: true });
    if (given.plain) candidates.push({ bytes: given.plain, shared: false });
  }
  if (candidates.length === 0) throw new Error("wasm backend: no usable module bytes were given");
  let lastError: unknown;
  for (const cand of candidates) {
    const module = await WebAssembly.compile(cand.bytes);
    const { memory, limit } = cand.shared
      ? newSharedMemory(options.maxBytes ?? 4 * 2 ** 30)
      : reservedMemory(options.reserveBytes ?? 256 * 2 ** 20);
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(module, { env: { memory } });
    } catch (e) {
      lastError = e; // a shared build given non-shared memory or the reverse: try the next
      continue;
    }
    const ex = instance.exports as unknown as WasmExports;
    const heap = new WasmHeap(memory, cand.shared, ex.heapBase(), limit);
    const wanted = Math.max(1, Math.floor(options.threads ?? 1));
    const threads = cand.shared && nodeBuiltins() ? wanted : 1;
    const work: number[] = [];
    for (let t = 0; t < threads; t++) {
      const p = heap.tryAlloc(ex.workBytes());
      if (p < 0) throw new Error("wasm backend: no memory for the gemm workspaces");
      work.push(p);
    }
    const pool = threads > 1 ? await WasmThreadPool.start(module, memory, work.slice(1)) : null;
    const variant = (ex.relaxed() ? "relaxed-simd" : "simd") + (cand.shared ? "+shared" : "");
    return new WasmBackend(ex, heap, work, pool, variant);
  }
  throw new Error(`wasm backend: cannot instantiate the module: ${String(lastError)}`);
}

/** A non-shared memory of `bytes`, all of it reserved now (it is never grown). */
function reservedMemory(bytes: number): { memory: WebAssembly.Memory; limit: number } {
  const pages = Math.min(65536, Math.max(1, Math.ceil(bytes / PAGE)));
  return { memory: new WebAssembly.Memory({ initial: pages }), limit: pages * PAGE };
}

/** A shared memory of up to maxBytes (less when the address space cannot be reserved). */
function newSharedMemory(maxBytes: number): { memory: WebAssembly.Memory; limit: number } {
  let pages = Math.min(65536, Math.ceil(maxBytes / PAGE));
  for (;;) {
    try {
      return {
        memory: new WebAssembly.Memory({ initial: 1, maximum: pages, shared: true }),
        limit: pages * PAGE,
      };
    } catch (e) {
      if (pages <= 1024) throw e;
      pages >>= 1;
    }
  }
}

// ---- Node: load build/wasm/*.wasm from the package root ----------------------------------------

const FILES = {
  shared: "kernels-shared.wasm",
  sharedRelaxed: "kernels-shared-relaxed.wasm",
  plain: "kernels.wasm",
  plainRelaxed: "kernels-relaxed.wasm",
};

let cachedReason: string | null | undefined;

function wasmPath(file: string): string | null {
  const node = nodeBuiltins();
  const root = packageRoot();
  return node && root ? node.path.join(root, "build", "wasm", file) : null;
}

function readWasm(file: string): Uint8Array<ArrayBuffer> | null {
  const node = nodeBuiltins();
  const p = wasmPath(file);
  if (!node || !p || !node.fs.existsSync(p)) return null;
  return new Uint8Array(node.fs.readFileSync(p));
}

/** null when the WebAssembly backend can run here, else why not. */
export function wasmUnavailableReason(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  cachedReason = (() => {
    if (typeof WebAssembly === "undefined") return "this JavaScript engine has no WebAssembly";
    const p = wasmPath(FILES.shared);
    if (!p) return "outside Node the WebAssembly kernels are given as bytes (createWasmBackendFromBytes)";
    const bytes = readWasm(FILES.shared);
    if (!bytes) return `${p} is missing (run: npm run build)`;
    if (!WebAssembly.validate(bytes)) {
      return "this JavaScript engine does not support WebAssembly SIMD with shared memory";
    }
    return null;
  })();
  return cachedReason;
}

/**
 * The WebAssembly backend in Node, from build/wasm. Uses the relaxed-SIMD build (fused
 * multiply-add, a 6 x 8 register tile: ~1.4x the gemm speed of plain SIMD on this project's
 * machines) unless INITLAB_WASM_RELAXED=0. Node 20's V8 keeps relaxed SIMD behind
 * --experimental-wasm-relaxed-simd (on by default in Node 22 and Chrome 114+), so the flag is
 * turned on here, before the module is compiled; the plain build is used if the engine still refuses.
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const reason = wasmUnavailableReason();
  if (reason) throw new Error(`backend "wasm" is not available: ${reason}`);
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  if (env.INITLAB_WASM_RELAXED !== "0") allowRelaxedSimd();
  const pick = (relaxedFile: string, file: string) => {
    const relaxed = env.INITLAB_WASM_RELAXED === "0" ? null : readWasm(relaxedFile);
    return (relaxed && WebAssembly.validate(relaxed) ? relaxed : readWasm(file)) ?? undefined;
  };
  return createWasmBackendFromBytes(
    { shared: pick(FILES.sharedRelaxed, FILES.shared), plain: pick(FILES.plainRelaxed, FILES.plain) },
    options,
  );
}

/** Turns on V8's relaxed-SIMD flag in Node (a no-op where the engine has it already or is not V8). */
function allowRelaxedSimd(): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== "function") return;
  const v8 = proc.getBuiltinModule("node:v8") as typeof import("node:v8") | undefined;
  try {
    v8?.setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch {
    // an engine without the flag: the plain SIMD build is used
  }
}

export const wasmBackendFactory: BackendFactory = {
  name: "wasm",
  unavailableReason: wasmUnavailableReason,
  create: (options) => createWasmBackend(options),
};
