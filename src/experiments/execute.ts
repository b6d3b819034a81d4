import { INITLAB_VERSION } from "../version.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "./types.js";

/**
 * Everything a report needs about one finished experiment (its description, then what was run,
 * where and how long it took); `result.json` of the report folder.
 */
export interface ExperimentReport extends Omit<Experiment, "run"> {
  size: "quick" | "full";
  seed: number;
  backend: string;
  threads: number;
  initlab: string;
  node: string;
  startedAt: string;
  seconds: number;
  result: ExperimentResult;
}

/** Runs one experiment and wraps its result with what was run, where and how long it took. */
export async function executeExperiment(exp: Experiment, ctx: ExperimentContext): Promise<ExperimentReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const result = await exp.run(ctx);
  return {
    name: exp.name,
    order: exp.order,
    title: exp.title,
    claim: exp.claim,
    source: exp.source,
    method: exp.method,
    rule: exp.rule,
    sizes: exp.sizes,
    size: ctx.quick ? "quick" : "full",
    seed: ctx.seed,
    backend: ctx.backend.name,
    threads: ctx.backend.threads,
    initlab: INITLAB_VERSION,
    node: process.version,
    startedAt,
    seconds: (performance.now() - t0) / 1000,
    result,
  };
}
