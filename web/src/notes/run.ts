import { LabRun } from "../lab-run.js";
import type { ProbeView } from "../protocol.js";
import type { LabState } from "../state.js";

/** What a finished run of a live lab reports: its probes, whether and when it diverged. */
export interface RunResult {
  state: LabState;
  probes: ProbeView[];
  first: ProbeView;
  last: ProbeView;
  diverged: boolean;
  divergedAtStep: number | null;
  steps: number;
}

/**
 * Trains `state` to its step limit in a worker of its own column (the lab's worker and engine,
 * the same numbers as the lab and the CLI) and resolves with its probes. `steps = 0` stops at
 * the initial probe (step 0), for the claims about the initialization itself.
 */
export function runToEnd(state: LabState, column: string, steps = state.steps): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let started = false;
    let settled = false;
    const finish = (run: LabRun) => {
      if (settled) return;
      settled = true;
      // the run is over: its worker ends it and waits for the next one of this column
      run.dispose();
      const probes = run.series.probes.filter((p) =>
        p.layers.every((l) => Number.isFinite(l.preVar) && Number.isFinite(l.gradVar)),
      );
      const all = probes.length ? probes : run.series.probes;
      resolve({
        state,
        probes: all,
        first: all[0],
        last: all[all.length - 1],
        diverged: run.diverged !== null,
        divergedAtStep: run.diverged?.atStep ?? null,
        steps: run.step,
      });
    };
    const run: LabRun = new LabRun(
      { ...state, steps: Math.max(1, steps) },
      () => {
        if (settled) return;
        if (run.status === "error") {
          settled = true;
          run.dispose();
          reject(new Error(run.error ?? "the run failed"));
        } else if (
          !started &&
          run.series.probes.length > 0 &&
          (run.status === "paused" || run.status === "ready")
        ) {
          started = true;
          if (steps === 0) finish(run);
          else run.play();
        } else if (run.status === "done") finish(run);
      },
      false,
      column,
    );
  });
}
