import {
  CTRL_TARGET,
  CTRL_WORDS,
  type FromWorker,
  type ReadyInfo,
  type StartMessage,
  UNLIMITED_STEPS,
} from "./protocol.js";
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
  /**
   * Where the run stops next: the state's step limit at first; Continue moves it on by as many
   * steps again, or to no limit at all (UNLIMITED_STEPS). Only with a control word (shared memory).
   */
  limit: number;
  /** True when the run stopped at its limit (done, but it can continue). */
  atLimit = false;

  constructor(
    readonly state: LabState,
    private readonly onChange: () => void,
    unlimited = false,
  ) {
    this.limit = unlimited ? UNLIMITED_STEPS : state.steps;
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

  /** True when Start would continue a run that reached its step limit. */
  get canContinue(): boolean {
    return this.status === "done" && this.atLimit && this.ctrl !== null;
  }

  /** Trains on without a step limit (true), or stops at the state's limit again (false). */
  setUnlimited(on: boolean): void {
    const limit = on ? UNLIMITED_STEPS : Math.max(this.state.steps, this.step);
    if (limit === this.limit) return;
    this.limit = limit;
    if (this.ctrl && this.status === "running") {
      Atomics.store(this.ctrl, CTRL_TARGET, limit);
      Atomics.notify(this.ctrl, CTRL_TARGET);
    }
  }

  play(): void {
    if (this.canContinue) {
      // past the limit: as many steps again (or on without a limit)
      if (this.limit !== UNLIMITED_STEPS) this.limit = this.step + this.state.steps;
      this.atLimit = false;
      this.status = "paused";
    }
    if (this.status === "done" || this.status === "error") return;
    this.wantRun = true;
    if (this.ctrl) {
      Atomics.store(this.ctrl, CTRL_TARGET, this.limit);
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
    if (this.canContinue) {
      this.atLimit = false;
      this.status = "paused";
      this.limit = Math.max(this.limit, this.step + 1);
    }
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
        if (this.status === "paused" && m.step >= this.limit) {
          // the step limit: done, and Start continues
          this.status = "done";
          this.atLimit = true;
          this.wantRun = false;
        }
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
