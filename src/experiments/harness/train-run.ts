/**
 * One training run inside an experiment: the data set (loaded once per process and options),
 * the network built from the config and its seed (optionally modified before training, e.g. by
 * LSUV), the trainer's per-layer probes (its schedule: step 0 and every `probeEvery` steps),
 * progress, an optional early stop, and Ctrl-C (the context's signal stops training at the next
 * step and the run throws ExperimentAborted).
 */
import { type Dataset, loadDataset } from "../../data/index.js";
import type { Network } from "../../nn/network.js";
import type { ProbeSnapshot } from "../../probe/index.js";
import { dataOptionsOf, resolveConfig, type TrainConfig } from "../../train/config.js";
import type { RunRecord } from "../../train/record.js";
import { buildNetwork, type StepInfo, train } from "../../train/trainer.js";
import { ExperimentAborted, type ExperimentContext } from "./types.js";

export interface RunOptions {
  /**
   * The trainer's probe schedule (config.probeEvery): probe at step 0 and every k steps; 0 = at
   * step 0 and at the last step (k = the run's total steps); null = never. Default 0.
   */
  probeEvery?: number | null;
  /** Examples in the probe batch (config.probeBatch; default: the trainer's). */
  probeBatch?: number;
  /** Called on the freshly initialized network before the step-0 probe (e.g. a data-dependent init). */
  prepare?: (net: Network, dataset: Dataset) => void;
  /** Stop training early when this returns true after a step (e.g. a loss criterion reached). */
  stopWhen?: (step: StepInfo) => boolean;
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
  const resolved = resolveConfig({ backend: ctx.backend.name, ...partial });
  ctx.progress.run(label, index, total);
  const dataset = await datasetFor(resolved);
  // One probe schedule, the trainer's: probes at step 0 (with the theory's prediction) and every
  // probeEvery steps on a fixed batch of probeBatch examples drawn from the run's seed.
  const totalSteps = Math.min(
    Math.ceil(dataset.nTrain / Math.min(resolved.batchSize, dataset.nTrain)) * resolved.epochs,
    resolved.maxSteps ?? Number.POSITIVE_INFINITY,
  );
  const every = options.probeEvery === undefined ? 0 : options.probeEvery;
  const config: TrainConfig = {
    ...resolved,
    probeEvery: every === null ? 0 : every === 0 ? totalSteps : every,
    probeBatch: options.probeBatch ?? resolved.probeBatch,
  };
  const net = buildNetwork(config, dataset, ctx.backend);
  options.prepare?.(net, dataset);
  const stop = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, stop.signal]) : stop.signal;
  const record = train(config, {
    dataset,
    backend: ctx.backend,
    network: net,
    signal,
    hooks: {
      onStep: (s) => {
        if (options.stopWhen?.(s)) stop.abort();
        ctx.progress.step(
          s.step,
          s.totalSteps,
          `loss ${Number.isFinite(s.loss) ? s.loss.toFixed(3) : "NaN"}`,
        );
      },
    },
  });
  if (ctx.signal?.aborted) throw new ExperimentAborted();
  return { label, config, record, probes: record.probes };
}

/** The settings of a run as the report lists them. */
export function runConfiguration(run: ProbedRun): { label: string; settings: Record<string, unknown> } {
  return { label: run.label, settings: { ...run.config } };
}
