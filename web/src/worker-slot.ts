import type { FromWorker } from "./protocol.js";

/** What a worker slot hands its messages to: the run it belongs to now. */
export interface SlotOwner {
  readonly runId: number;
  receive(m: FromWorker): void;
  fail(message: string): void;
}

/**
 * One training worker kept across resets, per column of the page (A, B): a reset stops the old
 * run inside the worker (the shared control word's stop flag) and starts the next one there, so
 * the engine, its JIT-compiled code and the data set's conversion are not paid again for every
 * run. Messages carry the run id they belong to; those of a run that was replaced are dropped.
 */
export class WorkerSlot {
  private worker: Worker | null = null;
  private owner: SlotOwner | null = null;

  /** The slot's worker, now delivering to `owner`. */
  attach(owner: SlotOwner): Worker {
    this.owner = owner;
    if (!this.worker) {
      const w = new Worker(new URL("./worker/train-worker.ts", import.meta.url), { type: "module" });
      w.onmessage = (ev: MessageEvent<FromWorker & { run: number }>) => {
        if (this.owner && ev.data.run === this.owner.runId) this.owner.receive(ev.data);
      };
      w.onerror = (ev) => {
        this.owner?.fail(ev.message || "the training worker failed");
        // a worker that failed is not reused
        w.terminate();
        if (this.worker === w) this.worker = null;
      };
      this.worker = w;
    }
    return this.worker;
  }

  /** The run `owner` is over (it has set its stop flag); the worker stays for the next one. */
  detach(owner: SlotOwner): void {
    if (this.owner === owner) this.owner = null;
  }
}

const slots = new Map<string, WorkerSlot>();

/** The worker slot of a column of the page ("a", "b"). */
export function workerSlot(key: string): WorkerSlot {
  let s = slots.get(key);
  if (!s) {
    s = new WorkerSlot();
    slots.set(key, s);
  }
  return s;
}
