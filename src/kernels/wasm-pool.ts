import { nodeBuiltins } from "./node-env.js";

/**
 * Worker threads for the WebAssembly gemm (Node only): each worker instantiates the same module
 * on the same shared WebAssembly.Memory and waits, with Atomics.wait, for jobs written into a
 * small shared control block. The calling thread runs its own share and then waits for the others,
 * so `gemm` stays synchronous. Threads split the rows or columns of C, never the k-sum.
 */

/** Int32 slots per worker in the control block. */
const SLOT = 32;
/** Parameters of one gemm job, in the order of the wasm export's arguments. */
export type GemmJob = [
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
];

// Runs inside each worker (CommonJS, evaluated from a string so the file works from src/ and dist/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { module, memory, ctrl, slot } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const I = new Int32Array(ctrl, slot * ${SLOT * 4}, ${SLOT});
const F = new Float32Array(ctrl, slot * ${SLOT * 4}, ${SLOT});
parentPort.postMessage("ready");
let seq = 0;
for (;;) {
  Atomics.wait(I, 0, seq);
  seq = Atomics.load(I, 0);
  if (seq < 0) break;
  ex.gemm(I[2], I[3], I[4], I[5], I[6], F[7], I[8], I[9], F[10], I[11], I[12], I[13], I[14], I[15], I[16]);
  Atomics.store(I, 1, seq);
  Atomics.notify(I, 1);
}
`;

interface WorkerLike {
  terminate(): Promise<number>;
  unref(): void;
}

export class WasmThreadPool {
  private readonly ints: Int32Array;
  private readonly floats: Float32Array;
  private seq = 0;

  private constructor(
    private readonly workers: WorkerLike[],
    ctrl: SharedArrayBuffer,
  ) {
    this.ints = new Int32Array(ctrl);
    this.floats = new Float32Array(ctrl);
  }

  /** Starts `count` workers on the module and shared memory; resolves when all are ready. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<WasmThreadPool> {
    const node = nodeBuiltins();
    if (!node) throw new Error("WebAssembly threads need Node's worker_threads");
    const ctrl = new SharedArrayBuffer(Math.max(count, 1) * SLOT * 4);
    const workers = [];
    const ready: Promise<void>[] = [];
    for (let slot = 0; slot < count; slot++) {
      const w = new node.workerThreads.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctrl, slot },
      });
      ready.push(
        new Promise((resolve, reject) => {
          w.once("message", () => resolve());
          w.once("error", reject);
        }),
      );
      workers.push(w);
    }
    await Promise.all(ready);
    for (const w of workers) w.unref();
    return new WasmThreadPool(workers, ctrl);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs jobs[t] on worker t while `own` runs on the calling thread, and returns when all are
   * done. jobs.length must not exceed the pool size.
   */
  run(jobs: GemmJob[], own: () => void): void {
    const seq = ++this.seq;
    const I = this.ints;
    const F = this.floats;
    for (let s = 0; s < jobs.length; s++) {
      const o = s * SLOT;
      const job = jobs[s];
      for (let t = 0; t < job.length; t++) I[o + 2 + t] = job[t];
      F[o + 2 + 5] = job[5];
      F[o + 2 + 8] = job[8];
      Atomics.store(I, o, seq);
      Atomics.notify(I, o);
    }
    own();
    for (let s = 0; s < jobs.length; s++) {
      const o = s * SLOT;
      for (let done = Atomics.load(I, o + 1); done !== seq; done = Atomics.load(I, o + 1)) {
        Atomics.wait(I, o + 1, done);
      }
    }
  }

  dispose(): void {
    for (let s = 0; s < this.workers.length; s++) {
      Atomics.store(this.ints, s * SLOT, -1);
      Atomics.notify(this.ints, s * SLOT);
    }
    for (const w of this.workers) void w.terminate();
  }
}
