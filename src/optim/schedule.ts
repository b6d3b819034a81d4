import { UserError } from "../errors.js";

export type ScheduleName = "constant" | "step" | "cosine";
export const SCHEDULE_NAMES: readonly ScheduleName[] = ["constant", "step", "cosine"];

export interface ScheduleOptions {
  schedule: ScheduleName;
  lr: number;
  /** step: multiply by gamma every stepEpochs epochs. */
  stepEpochs?: number;
  gamma?: number;
  /** cosine: total number of steps of the run (lr goes from lr to minLr following half a cosine). */
  totalSteps?: number;
  minLr?: number;
}

/**
 * The learning rate at a step (0-based) and epoch (0-based):
 * constant: lr; step: lr * gamma^floor(epoch / stepEpochs) (torch StepLR per epoch);
 * cosine: minLr + (lr - minLr) (1 + cos(pi t / T)) / 2 (Loshchilov & Hutter 2017, without restarts).
 */
export function learningRate(o: ScheduleOptions, step: number, epoch: number): number {
  switch (o.schedule) {
    case "constant":
      return o.lr;
    case "step":
      return o.lr * (o.gamma ?? 0.1) ** Math.floor(epoch / Math.max(1, o.stepEpochs ?? 1));
    case "cosine": {
      const T = Math.max(1, o.totalSteps ?? 1);
      const min = o.minLr ?? 0;
      return min + ((o.lr - min) * (1 + Math.cos((Math.PI * Math.min(step, T)) / T))) / 2;
    }
    default:
      throw new UserError(`unknown schedule "${o.schedule}"; valid: ${SCHEDULE_NAMES.join(", ")}`);
  }
}
