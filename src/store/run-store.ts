import type { TrainConfig } from "../train/config.js";
import type { FinalRecord, RunRecord } from "../train/record.js";

/**
 * How a run ended. "diverged" is a result (the loss or a gradient became NaN/Inf, the record says
 * at which step), not an error; "failed" means no result: a bad configuration or an exception,
 * with the message in `error`.
 */
export type RunStatus = "ok" | "diverged" | "failed";

export const RUN_STATUSES: readonly RunStatus[] = ["ok", "diverged", "failed"];

/** What a finished run hands to the store. `record` is null for a failed run. */
export interface RunPut {
  /** The run hash (see src/sweep/run-id.ts). */
  id: string;
  /** The sweep the run belongs to (it is added to the sweep's members); null for a lone run. */
  sweep?: string | null;
  status: RunStatus;
  error?: string | null;
  config: TrainConfig;
  record?: RunRecord | null;
  /** Who computed it, e.g. "host:pid/thread". */
  worker?: string | null;
}

/** A run without its per-step data: what lists, comparisons and exports need. */
export interface RunSummary {
  id: string;
  status: RunStatus;
  error: string | null;
  config: TrainConfig;
  final: FinalRecord | null;
  meta: RunRecord["meta"] | null;
  worker: string | null;
  /** Failed attempts before this result (0 when it succeeded the first time). */
  failedAttempts: number;
  storedAt: string;
  /** When listed by sweep: the sweep's axis values for this run (e.g. {init: "he_normal", seed: 1}). */
  axes?: Record<string, unknown>;
}

/** A run with its full record (epochs, loss curve, probes, verdicts), and the sweeps it belongs to. */
export interface StoredRun extends RunSummary {
  record: RunRecord | null;
  sweeps: string[];
}

/**
 * What `claimRun` found: "claimed" (the caller holds the run's lease now and computes it),
 * "stored" (it has a result, or a failure stored since the caller's sweep started), "taken"
 * (another live process holds its lease: ask again later).
 */
export type RunClaim = "claimed" | "stored" | "taken";

export interface RunFilter {
  sweep?: string;
  status?: RunStatus | readonly RunStatus[];
  ids?: readonly string[];
  limit?: number;
  /** Runs to skip (with `limit`: one page). */
  offset?: number;
  /** Newest stored first (default: oldest first, or plan order with `sweep`). */
  newestFirst?: boolean;
}

/** A sweep's definition and its planned runs, in plan order. */
export interface SweepEntry {
  name: string;
  /** The sweep file's content after validation (JSON). */
  spec: unknown;
  /** The file it was read from, if any. */
  source: string | null;
  createdAt: string;
  updatedAt: string;
  runs: { id: string; axes: Record<string, unknown> }[];
}

export interface SweepListing {
  name: string;
  planned: number;
  ok: number;
  diverged: number;
  failed: number;
  updatedAt: string;
}

/**
 * Where runs live. One implementation today (SQLite, sqlite-store.ts); the sweep runner, the
 * `runs` command, experiments, reports and the lab's server talk to this interface only.
 */
export interface RunStore {
  /** The file or URL the store lives in (for messages). */
  readonly location: string;
  /**
   * Stores a finished run (one transaction). A result (ok or diverged) is written once and never
   * replaced; a failed attempt is replaced by a later result or counted as another failure.
   * Returns false when the id already had a result (the put only added sweep membership).
   */
  putRun(run: RunPut): boolean;
  getRun(id: string): StoredRun | null;
  listRuns(filter?: RunFilter): RunSummary[];
  /** How many runs match (limit and offset ignored). */
  countRuns(filter?: RunFilter): number;
  /** True when the run has a result (ok or diverged): it will not be computed again. */
  hasRun(id: string): boolean;
  /** Full ids that start with `prefix` (for `runs show 3f2a9c`). */
  findIds(prefix: string, limit?: number): string[];
  /**
   * Takes the lease of a run for `holder` for `ttlMs` ms, so that two processes sweeping the same
   * runs compute each once. A lease whose holder died expires; `putRun` ends it. `since` (ISO
   * time) is when the caller's sweep started: a failure stored after it counts as "stored".
   */
  claimRun(id: string, holder: string, ttlMs: number, since: string): RunClaim;
  /** Extends every lease `holder` has to now + `ttlMs`. */
  renewClaims(holder: string, ttlMs: number): void;
  /** Ends every lease `holder` has (runs it did not finish are free again at once). */
  releaseClaims(holder: string): void;
  /** Creates or replaces a sweep's definition and plan (runs already stored are kept). */
  putSweep(sweep: { name: string; spec: unknown; source: string | null; runs: SweepEntry["runs"] }): void;
  getSweep(name: string): SweepEntry | null;
  listSweeps(): SweepListing[];
  close(): void;
}
