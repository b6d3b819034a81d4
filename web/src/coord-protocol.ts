import type { CoordCheckResult, CoordVerdict } from "../../src/train/coord-check.js";
import type { LabState } from "./state.js";

/**
 * Messages between the coordinate-check panel and its worker (web/src/worker/coord-worker.ts):
 * the page sends the lab state (and an image set's bytes), the worker answers with the check.
 */
export interface CoordRequest {
  type: "coord-check";
  /** Tags the answer: the panel ignores answers to requests it has replaced. */
  id: number;
  state: LabState;
  /** Image data sets: the server's binary form; null for the 2-D sets. */
  dataBytes: ArrayBuffer | null;
}

export type CoordAnswer =
  | { type: "coord-result"; id: number; result: CoordCheckResult; verdicts: CoordVerdict[]; seconds: number }
  | { type: "coord-error"; id: number; message: string };

/** The lab's coordinate check: small enough to take a few seconds in a browser worker. */
export const LAB_COORD = {
  widths: [32, 64, 128, 256, 512],
  steps: 5,
  seeds: 2,
  /** Hidden layers: the lab's depth, at most this many. */
  maxDepth: 3,
  /** Training examples the steps draw from, at most. */
  maxSamples: 2000,
  probeBatch: 64,
} as const;
