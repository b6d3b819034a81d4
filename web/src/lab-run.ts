import {
  CTRL_STOP,
  CTRL_TARGET,
  CTRL_WORDS,
  type FromWorker,
  type JacobianView,
  type ReadyInfo,
  type StartMessage,
  UNLIMITED_STEPS,
  type UnitsView,
} from "./protocol.js";
import { datasetBytes, wasmBytes } from "./resources.js";
import { RunSeries } from "./series.js";
import type { LabState } from "./state.js";
import { type SlotOwner, type WorkerSlot, workerSlot } from "./worker-slot.js";

let runs = 0;

export type RunStatus = "loading" | "ready" | "running" | "paused" | "done" | "error";

/**
 * One training run in its own Web Worker, and everything it has reported. Play, pause and single
 * steps move a shared step target the worker waits on; reset means a new LabRun (the old worker
 * is terminated).
 */
export class LabRun implements SlotOwner {
  readonly series = new RunSeries();
  info: ReadyInfo | null = null;
  status: RunStatus = "loading";
  step = 0;
  samplesPerSecond = 0;
  wallSamplesPerSecond = 0;
  error: string | null = null;
  diverged: { atStep: number | null } | null = null;
  boundary: { step: number; n: number; classes: Uint8Array; confidence: Float32Array } | null = null;
  /** The latest Jacobian spectrum from the worker (web/src/ui/jacobian-panel.ts), or null. */
  jacobian: JacobianView | null = null;
  /** Small networks on 2-D data: every unit's map over the plane and the weights, the latest. */
  units: UnitsView | null = null;
  /** Bumped on every message; views compare it to redraw only on change. */
  version = 0;
  readonly runId = ++runs;
  private readonly worker: Worker;
  private readonly ctrl: Int32Array | null;
  /** The kept worker of this run's column, or null when this run has a worker of its own. */
  private readonly slot: WorkerSlot | null;
  private wantRun = false;
  private disposed = false;
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
    /** The column of the page ("a", "b"): its worker is kept across resets. */
    column = "a",
  ) {
    this.limit = unlimited ? UNLIMITED_STEPS : state.steps;
    this.ctrl =
      typeof SharedArrayBuffer !== "undefined" && crossOriginIsolated
        ? new Int32Array(new SharedArrayBuffer(4 * CTRL_WORDS))
        : null;
    if (this.ctrl) {
      // a run can be stopped inside the worker: keep the column's worker
      this.slot = workerSlot(column);
      this.worker = this.slot.attach(this);
    } else {
      // without shared memory a run cannot be interrupted: a worker of its own, terminated on reset
      this.slot = null;
      this.worker = new Worker(new URL("./worker/train-worker.ts", import.meta.url), { type: "module" });
      this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
      this.worker.onerror = (ev) => this.fail(ev.message || "the training worker failed to start");
    }
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
    if (this.disposed) return;
    const msg: StartMessage = {
      type: "start",
      run: this.runId,
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
    this.disposed = true;
    if (this.slot && this.ctrl) {
      Atomics.store(this.ctrl, CTRL_STOP, 1);
      Atomics.notify(this.ctrl, CTRL_TARGET);
      this.slot.detach(this);
    } else this.worker.terminate();
  }

  fail(message: string): void {
    this.status = "error";
    this.error = message;
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.onChange();
  }

  receive(m: FromWorker): void {
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
      case "jacobian":
        this.jacobian = m.view;
        break;
      case "boundary":
        this.boundary = { step: m.step, n: m.n, classes: m.classes, confidence: m.confidence };
        break;
      case "units":
        this.units = m.units;
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
