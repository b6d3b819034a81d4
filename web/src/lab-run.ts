import { CTRL_TARGET, CTRL_WORDS, type FromWorker, type ReadyInfo, type StartMessage } from "./protocol.js";
import { datasetBytes, wasmBytes } from "./resources.js";
import { RunSeries } from "./series.js";
import type { LabState } from "./state.js";

export type RunStatus = "loading" | "ready" | "running" | "paused" | "done" | "error";

/**
 * One training run in its own Web Worker, and everything it has reported. Play, pause and single
 * steps move a shared step target the worker waits on; reset means a new LabRun (the old worker
 * is terminated).
 */
export class LabRun {
  readonly series = new RunSeries();
  info: ReadyInfo | null = null;
  status: RunStatus = "loading";
  step = 0;
  samplesPerSecond = 0;
  wallSamplesPerSecond = 0;
  error: string | null = null;
  diverged: { atStep: number | null } | null = null;
  boundary: { step: number; n: number; classes: Uint8Array; confidence: Float32Array } | null = null;
  /** Bumped on every message; views compare it to redraw only on change. */
  version = 0;
  private readonly worker: Worker;
  private readonly ctrl: Int32Array | null;
  private wantRun = false;

  constructor(
    readonly state: LabState,
    private readonly onChange: () => void,
  ) {
    this.worker = new Worker(new URL("./worker/train-worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
    this.worker.onerror = (ev) => this.fail(ev.message || "the training worker failed to start");
    this.ctrl =
      typeof SharedArrayBuffer !== "undefined" && crossOriginIsolated
        ? new Int32Array(new SharedArrayBuffer(4 * CTRL_WORDS))
        : null;
    this.boot().catch((e) => this.fail((e as Error).message));
  }

  get canPause(): boolean {
    return this.ctrl !== null;
  }

  private async boot(): Promise<void> {
    const [dataBytes, wasm] = await Promise.all([
      datasetBytes(this.state),
      this.state.backend === "ts" ? null : wasmBytes(),
    ]);
    const msg: StartMessage = {
      type: "start",
      state: this.state,
      dataBytes,
      wasm,
      ctrl: this.ctrl ? (this.ctrl.buffer as SharedArrayBuffer) : null,
    };
    this.worker.postMessage(msg);
  }

  play(): void {
    if (this.status === "done" || this.status === "error") return;
    this.wantRun = true;
    if (this.ctrl) {
      Atomics.store(this.ctrl, CTRL_TARGET, this.state.steps);
      Atomics.notify(this.ctrl, CTRL_TARGET);
    } else if (this.status === "ready") this.worker.postMessage({ type: "go" });
    if (this.status === "ready" || this.status === "paused") this.status = "running";
    this.changed();
  }

  pause(): void {
    this.wantRun = false;
    if (!this.ctrl) return;
    Atomics.store(this.ctrl, CTRL_TARGET, 0);
    Atomics.notify(this.ctrl, CTRL_TARGET);
  }

  /** One training step, when paused. */
  stepOnce(): void {
    if (!this.ctrl || (this.status !== "paused" && this.status !== "ready")) return;
    Atomics.store(this.ctrl, CTRL_TARGET, this.step + 1);
    Atomics.notify(this.ctrl, CTRL_TARGET);
    this.status = "running";
    this.changed();
  }

  dispose(): void {
    this.worker.terminate();
  }

  private fail(message: string): void {
    this.status = "error";
    this.error = message;
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.onChange();
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case "ready":
        this.info = m.info;
        this.status = "ready";
        if (this.wantRun) this.play();
        break;
      case "steps":
        this.series.addSteps(m.first, m.losses);
        this.step = m.first + m.losses.length - 1;
        this.samplesPerSecond = m.samplesPerSecond;
        this.wallSamplesPerSecond = m.wallSamplesPerSecond;
        break;
      case "probe":
        this.series.addProbe(m.probe);
        break;
      case "boundary":
        this.boundary = { step: m.step, n: m.n, classes: m.classes, confidence: m.confidence };
        break;
      case "paused":
        this.step = m.step;
        // stale when the page has moved the target on since the worker stopped
        this.status = this.ctrl && Atomics.load(this.ctrl, CTRL_TARGET) > m.step ? "running" : "paused";
        break;
      case "done":
        this.step = m.step;
        this.status = "done";
        this.samplesPerSecond = m.samplesPerSecond;
        if (m.diverged) this.diverged = { atStep: m.divergedAtStep };
        break;
      case "error":
        this.fail(m.message);
        return;
    }
    this.changed();
  }
}
