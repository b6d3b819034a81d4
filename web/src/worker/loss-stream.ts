import type { FromWorker } from "../protocol.js";

/**
 * Batches the per-step losses into one message every `intervalMs` (posting each step would
 * flood the page when small networks run thousands of steps a second).
 */
export class LossStream {
  private first = 0;
  private buf = new Float64Array(256);
  private n = 0;
  private last = 0;
  private sps = 0;
  private wallSps = 0;

  constructor(
    private readonly post: (m: FromWorker, transfer?: Transferable[]) => void,
    private readonly intervalMs = 80,
  ) {}

  push(step: number, loss: number, samplesPerSecond: number, wallSamplesPerSecond: number): void {
    if (this.n === 0) this.first = step;
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = loss;
    this.sps = samplesPerSecond;
    this.wallSps = wallSamplesPerSecond;
    const now = performance.now();
    if (now - this.last >= this.intervalMs) this.flush(now);
  }

  flush(now = performance.now()): void {
    this.last = now;
    if (this.n === 0) return;
    const losses = this.buf.slice(0, this.n);
    this.post(
      {
        type: "steps",
        first: this.first,
        losses,
        samplesPerSecond: this.sps,
        wallSamplesPerSecond: this.wallSps,
      },
      [losses.buffer],
    );
    this.n = 0;
  }
}
