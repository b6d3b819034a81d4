import { UserError } from "../errors.js";
import type { RunStore } from "../store/run-store.js";
import type { MemoryLimit } from "../train/resources.js";
import { runLocalSweep, type SweepEvents, type SweepResult } from "./run-local.js";
import type { PlannedRun, SweepPlan } from "./sweep-plan.js";

export interface RunSweepOptions {
  /** Where the sweep came from (stored with it, shown in messages). */
  source: string | null;
  /** Continue a sweep that is already in the store: run only what is missing (and what failed). */
  resume: boolean;
  /** Local worker threads (ignored with `queue`). */
  workers: number;
  /** Send the runs to a BullMQ queue instead of running them here. */
  queue?: { url: string; name?: string; attempts?: number; pollMs?: number; redisTimeoutMs?: number };
  signal?: AbortSignal;
  events?: SweepEvents;
  /** Local runs: --memory-limit (queued runs use the limit of the worker that takes them). */
  memoryLimit?: MemoryLimit | null;
  /** Called once the plan is known, before any run starts. */
  onPlan?(info: SweepStart): void;
}

export interface SweepStart {
  plan: SweepPlan;
  /** Runs of the plan that already have a result (here or from another sweep). */
  stored: number;
  toRun: PlannedRun[];
}

export interface SweepReport extends SweepResult {
  name: string;
  planned: number;
  alreadyStored: number;
}

/**
 * A sweep from its plan (planSweep: every run validated before the store is opened) to stored
 * results: records the plan,
 * skips runs the store already has, and computes the rest locally or through the queue.
 * Without `resume`, a sweep name that already has stored runs is refused, so two different
 * experiments never share a name by accident.
 */
export async function runSweep(
  plan: SweepPlan,
  store: RunStore,
  options: RunSweepOptions,
): Promise<SweepReport> {
  const spec = plan.spec;
  const existing = store.getSweep(spec.name);
  const have = existing ? existing.runs.filter((r) => store.hasRun(r.id)).length : 0;
  // A sweep with nothing stored yet (e.g. Redis was unreachable) may simply be started again.
  if (existing && have > 0 && !options.resume) {
    throw new UserError(
      `sweep "${spec.name}" already exists in ${store.location} (${have} of ${existing.runs.length} runs stored); ` +
        `use --resume to run only what is missing, or give the sweep another name`,
    );
  }
  store.putSweep({
    name: plan.name,
    spec,
    source: options.source,
    runs: plan.runs.map((r) => ({ id: r.id, axes: r.axes })),
  });
  const toRun = plan.runs.filter((r) => !store.hasRun(r.id));
  const stored = plan.runs.length - toRun.length;
  options.onPlan?.({ plan, stored, toRun });
  // BullMQ (and ioredis) load only for queued sweeps.
  const result = options.queue
    ? await (await import("./queue-sweep.js")).runQueueSweep(plan.name, toRun, store, {
        url: options.queue.url,
        queueName: options.queue.name,
        attempts: options.queue.attempts,
        pollMs: options.queue.pollMs,
        redisTimeoutMs: options.queue.redisTimeoutMs,
        signal: options.signal,
        events: options.events,
      })
    : await runLocalSweep(plan.name, toRun, store, {
        workers: options.workers,
        signal: options.signal,
        events: options.events,
        memoryLimit: options.memoryLimit ?? null,
      });
  return { ...result, name: plan.name, planned: plan.runs.length, alreadyStored: stored };
}
