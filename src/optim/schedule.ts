import { UserError } from "../errors.js";

export const SCHEDULE_NAMES = ["constant", "step", "cosine"] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface ScheduleOptions {
  schedule: ScheduleName;
  lr: number;
  /** step: multiply by gamma every stepEpochs epochs. */
  stepEpochs?: number;
  gamma?: number;
  /** cosine: total number of steps of the run (lr goes from lr to minLr following half a cosine). */
  totalSteps?: number;
  minLr?: number;
  /** Linear warm-up: the rate is multiplied by (step + 1) / warmupSteps for the first warmupSteps steps. */
  warmupSteps?: number;
}

/**
 * The learning rate at a step (0-based) and epoch (0-based):
 * constant: lr; step: lr * gamma^floor(epoch / stepEpochs) (torch StepLR per epoch);
 * cosine: minLr + (lr - minLr) (1 + cos(pi t / T)) / 2 (Loshchilov & Hutter 2017, without restarts);
 * times the linear warm-up factor min(1, (step + 1) / warmupSteps) when warmupSteps > 0
 * (Goyal et al. 2017, arXiv:1706.02677, section 2.2: gradual warm-up).
 */
export function learningRate(o: ScheduleOptions, step: number, epoch: number): number {
  const w = o.warmupSteps ?? 0;
  const base = scheduledRate(o, step, epoch);
  return w > 0 && step < w ? (base * (step + 1)) / w : base;
}

function scheduledRate(o: ScheduleOptions, step: number, epoch: number): number {
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
