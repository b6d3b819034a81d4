/**
 * One training run inside an experiment: the data set (loaded once per process and options),
 * the network built from the config and its seed (optionally modified before training, e.g. by
 * LSUV), per-layer probes on a fixed batch at step 0 and every `probeEvery` steps, progress, and
 * Ctrl-C (the context's signal stops training at the next step and the run throws
 * ExperimentAborted).
 */
import { type Dataset, loadDataset } from "../../data/index.js";
import { getLoss } from "../../nn/losses.js";
import type { Network } from "../../nn/network.js";
import { type ProbeBatch, type ProbeSnapshot, probeBatch, probeNetwork } from "../../probe/index.js";
import { dataOptionsOf, resolveConfig, type TrainConfig } from "../../train/config.js";
import type { RunRecord } from "../../train/record.js";
import { buildNetwork, train } from "../../train/trainer.js";
import { ExperimentAborted, type ExperimentContext } from "./types.js";

export interface RunOptions {
  /** Probe every k steps (and at step 0 and after the last step); 0 = at step 0 and at the end; null = never. Default 0. */
  probeEvery?: number | null;
  /** Examples in the probe batch (default 256). */
  probeBatch?: number;
  /** Attach the theory's per-layer prediction to the step-0 probe. */
  predict?: boolean;
  /** Called on the freshly initialized network before the step-0 probe (e.g. a data-dependent init). */
  prepare?: (net: Network, dataset: Dataset) => void;
}

export interface ProbedRun {
  label: string;
  config: TrainConfig;
  record: RunRecord;
  /** Probe snapshots in step order (the first at step 0). */
  probes: ProbeSnapshot[];
}

/**
 * The size settings of an MNIST experiment run: with --quick the first 10,000 training and 2,000
 * test images for `quickSteps` steps; at full size both whole splits for `fullEpochs` epochs.
 */
export function mnistSize(quick: boolean, quickSteps: number, fullEpochs: number) {
  return quick
    ? { trainLimit: 10000, testLimit: 2000, maxSteps: quickSteps, epochs: 100 }
    : { trainLimit: null, testLimit: null, maxSteps: null, epochs: fullEpochs };
}

const datasets = new Map<string, Promise<Dataset>>();

/** The data set of a config, loaded once per process for the same data options (dataOptionsOf). */
export function datasetFor(config: TrainConfig): Promise<Dataset> {
  const options = dataOptionsOf(config);
  const key = JSON.stringify(options);
  let d = datasets.get(key);
  if (!d) {
    d = loadDataset(options);
    datasets.set(key, d);
    d.catch(() => datasets.delete(key));
  }
  return d;
}

/** Trains one configuration; `index`/`total` place it in the experiment's list of runs. */
export async function trainRun(
  ctx: ExperimentContext,
  label: string,
  index: number,
  total: number,
  partial: Partial<TrainConfig>,
  options: RunOptions = {},
): Promise<ProbedRun> {
  // Training is synchronous: give the event loop a turn between runs, so that an abort requested
  // by a timer, a request or a message lands before the next run starts.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (ctx.signal?.aborted) throw new ExperimentAborted();
  const config = resolveConfig({ backend: ctx.backend.name, ...partial });
  ctx.progress.run(label, index, total);
  const dataset = await datasetFor(config);
  const net = buildNetwork(config, dataset, ctx.backend);
  options.prepare?.(net, dataset);
  const probeEvery = options.probeEvery === undefined ? 0 : options.probeEvery;
  const loss = getLoss(config.loss);
  const batch: ProbeBatch | null =
    probeEvery === null ? null : probeBatch(dataset, options.probeBatch ?? 256, config.seed);
  const probes: ProbedRun["probes"] = [];
  const probe = (step: number, predict: boolean) => {
    if (batch) probes.push(probeNetwork(net, batch.x, batch.y, batch.B, loss, { step, predict }));
  };
  probe(0, options.predict ?? false);
  const record = train(config, {
    dataset,
    backend: ctx.backend,
    network: net,
    signal: ctx.signal,
    hooks: {
      onStep: (s) => {
        if (probeEvery && s.step % probeEvery === 0) probe(s.step, false);
        ctx.progress.step(
          s.step,
          s.totalSteps,
          `loss ${Number.isFinite(s.loss) ? s.loss.toFixed(3) : "NaN"}`,
        );
      },
    },
  });
  if (ctx.signal?.aborted) throw new ExperimentAborted();
  // A last probe after the final step, unless the periodic probes already took it.
  const steps = record.final.steps;
  if (batch && probes[probes.length - 1].step !== steps) probe(steps, false);
  return { label, config, record, probes };
}

/** The settings of a run as the report lists them. */
export function runConfiguration(run: ProbedRun): { label: string; settings: Record<string, unknown> } {
  return { label: run.label, settings: { ...run.config } };
}
