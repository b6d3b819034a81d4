import { nodeBuiltins } from "./node-env.js";

/**
 * Worker threads for the WebAssembly gemm (Node only): each worker instantiates the same module
 * on the same shared WebAssembly.Memory and sleeps in Atomics.wait until a job is published in a
 * small shared control block. C is cut into `parts` chunks of whole register tiles along its
 * longer side (never the k-sum). Every thread, the calling one included, claims chunks with a
 * compare-and-swap on one word (job number in the high 16 bits, chunk index in the low 16) and
 * reads the job only after a successful claim: a worker that wakes late helps or finds nothing
 * left, and never holds up the caller, which runs every chunk nobody has claimed. `gemm` stays
 * synchronous: the caller waits (Atomics.wait) only for chunks that are being computed.
 */

/** Control block layout (Int32 indices). Alpha and beta are float32 bit patterns. */
const SEQ = 0;
const NEXT = 1;
const DONE = 2;
const PARTS = 3;
const BY_COLS = 4;
const UNIT = 5;
const UNITS = 6;
const TA = 7; // then TB, M, N, K, ALPHA, A, B, BETA, C at TA + 1 .. TA + 9
const WORDS = 20;

export interface GemmJob {
  transA: number;
  transB: number;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: number;
  b: number;
  beta: number;
  c: number;
}

/** The kernel module's exported gemm over a block [i0, i1) x [j0, j1) of C, with a per-thread workspace. */
export type GemmFn = (
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: number,
  b: number,
  beta: number,
  c: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  work: number,
) => void;

/**
 * Claims and runs chunks of job `seq` until none is left. The same text runs in the workers (see
 * WORKER_SOURCE), so it must not refer to anything outside its arguments.
 */
function runChunks(I: Int32Array, F: Float32Array, seq: number, gemm: GemmFn, work: number): void {
  const tag = (seq & 0xffff) << 16;
  for (;;) {
    const v = Atomics.load(I, 1);
    if ((v & ~0xffff) !== tag) return;
    const idx = v & 0xffff;
    if (idx >= I[3]) return;
    if (Atomics.compareExchange(I, 1, v, v + 1) !== v) continue;
    // Claimed: job `seq` is current and stays so until this chunk is counted as done.
    const parts = I[3];
    const unit = I[5];
    const units = I[6];
    const m = I[9];
    const n = I[10];
    const len = I[4] ? n : m;
    const lo = Math.min(len, Math.floor((idx * units) / parts) * unit);
    const hi = Math.min(len, Math.floor(((idx + 1) * units) / parts) * unit);
    const [i0, i1, j0, j1] = I[4] ? [0, m, lo, hi] : [lo, hi, 0, n];
    gemm(I[7], I[8], m, n, I[11], F[12], I[13], I[14], F[15], I[16], i0, i1, j0, j1, work);
    if (Atomics.add(I, 2, 1) + 1 === parts) Atomics.notify(I, 2);
  }
}

// Runs inside each worker, evaluated from a string so that it works from src/ and dist/ alike
// (and as CommonJS or as a module: it imports nothing, Node 20.16+ has process.getBuiltinModule).
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
const { module, memory, ctrl, work } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const I = new Int32Array(ctrl);
const F = new Float32Array(ctrl);
const runChunks = ${runChunks.toString()};
parentPort.postMessage("ready");
let seen = 0;
for (;;) {
  Atomics.wait(I, ${SEQ}, seen);
  seen = Atomics.load(I, ${SEQ});
  if (seen < 0) break;
  runChunks(I, F, seen, ex.gemm, work);
}
`;

interface WorkerLike {
  terminate(): Promise<number>;
  unref(): void;
}

export class WasmThreadPool {
  private readonly I: Int32Array;
  private readonly F: Float32Array;
  private seq = 0;

  private constructor(
    private readonly workers: WorkerLike[],
    ctrl: SharedArrayBuffer,
  ) {
    this.I = new Int32Array(ctrl);
    this.F = new Float32Array(ctrl);
  }

  /**
   * Starts one worker per entry of `work` (the byte address of its gemm workspace) on the module
   * and shared memory; resolves when all are ready.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    work: number[],
  ): Promise<WasmThreadPool> {
    const node = nodeBuiltins();
    if (!node) throw new Error("WebAssembly threads need Node's worker_threads");
    const ctrl = new SharedArrayBuffer(WORDS * 4);
    const workers = [];
    const ready: Promise<void>[] = [];
    for (const w of work) {
      const worker = new node.workerThreads.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctrl, work: w },
      });
      ready.push(
        new Promise((resolve, reject) => {
          worker.once("message", () => resolve());
          worker.once("error", reject);
        }),
      );
      workers.push(worker);
    }
    await Promise.all(ready);
    for (const w of workers) w.unref();
    return new WasmThreadPool(workers, ctrl);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Computes `job` in `parts` chunks of `unit` columns (byCols) or rows; the calling thread takes
   * part with `gemm` and workspace `work`, and returns when every chunk is done.
   */
  run(job: GemmJob, byCols: boolean, unit: number, parts: number, gemm: GemmFn, work: number): void {
    const { I, F } = this;
    const seq = (this.seq = (this.seq + 1) & 0x7fffffff || 1);
    const len = byCols ? job.n : job.m;
    I[PARTS] = parts;
    I[BY_COLS] = byCols ? 1 : 0;
    I[UNIT] = unit;
    I[UNITS] = Math.ceil(len / unit);
    I.set([job.transA, job.transB, job.m, job.n, job.k, 0, job.a, job.b, 0, job.c], TA);
    F[TA + 5] = job.alpha;
    F[TA + 8] = job.beta;
    Atomics.store(I, DONE, 0);
    Atomics.store(I, NEXT, (seq & 0xffff) << 16);
    Atomics.store(I, SEQ, seq);
    Atomics.notify(I, SEQ);
    runChunks(I, F, seq, gemm, work);
    for (let d = Atomics.load(I, DONE); d < parts; d = Atomics.load(I, DONE)) Atomics.wait(I, DONE, d);
  }

  dispose(): void {
    Atomics.store(this.I, SEQ, -1);
    Atomics.notify(this.I, SEQ);
    for (const w of this.workers) void w.terminate();
  }
}
