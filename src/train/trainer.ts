import { gatherRows } from "../data/gather.js";
import type { Dataset } from "../data/index.js";
import { UserError } from "../errors.js";
import { applyDataDependentInit } from "../init/lsuv.js";
import type { Backend, FloatArray } from "../kernels/backend.js";
import { countCorrect, getLoss, type Loss, rSquared } from "../nn/losses.js";
import { Network } from "../nn/network.js";
import { type LayerRule, parametrizationRules } from "../nn/parametrization.js";
import { Adam, clipGradNorm, globalGradNorm, type Optimizer, Sgd } from "../optim/optimizer.js";
import { learningRate } from "../optim/schedule.js";
import { type Inspection, TrainingProbe } from "../probe/index.js";
import { Rng } from "../tensor/rng.js";
import { architectureOf, parsedSpecs, type TrainConfig } from "./config.js";
import { type EpochRecord, finite, type RunRecord } from "./record.js";
import { defaultRuntime, type RunRuntime } from "./runtime.js";

export interface StepInfo {
  step: number;
  epoch: number;
  stepsPerEpoch: number;
  totalSteps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  samplesPerSecond: number;
}

export interface TrainContext {
  step: number;
  epoch: number;
  net: Network;
  loss: Loss;
  optimizer: Optimizer;
  dataset: Dataset;
  config: TrainConfig;
}

export interface TrainHooks {
  onStep?(info: StepInfo): void;
  onEpoch?(epoch: EpochRecord): void;
  /**
   * Called after the optimizer step of every step where `step % probeEvery === 0` (and at step 0
   * before training, and at a diverged step), once the probe snapshot is in `record.probes`.
   * `inspection`: that probe's `inspect` result (every finding now, the recommendation, the phase).
   */
  onProbe?(ctx: TrainContext, record: RunRecord, inspection: Inspection): void;
}

export interface TrainOptions {
  dataset: Dataset;
  backend: Backend;
  /** A network to start from (e.g. --load); otherwise one is built from the config and initialized from its seed. */
  network?: Network;
  hooks?: TrainHooks;
  /** Checked between steps: training stops early (the record says how far it got). */
  signal?: AbortSignal;
  /** The version and platform written into the record's meta; by default `defaultRuntime()`. */
  runtime?: RunRuntime;
}

export function buildNetwork(config: TrainConfig, dataset: Dataset, backend: Backend): Network {
  const net = new Network(
    {
      sizes: [dataset.inputDim, ...config.hidden, dataset.numClasses],
      activation: config.activation,
      init: config.init,
      biasInit: config.biasInit,
      preluShared: config.preluShared,
      architecture: architectureOf(config),
      parsed: parsedSpecs(config),
    },
    { backend },
  );
  net.initialize(config.seed);
  applyParametrizationInit(net, rulesOf(config, net));
  // a data-dependent initializer (lsuv) finishes on a batch of training rows, last
  net.dataInit = applyDataDependentInit(net, dataset, config.seed);
  return net;
}

/** The parametrization's per-layer rules for a config's network (src/nn/parametrization.ts). */
export function rulesOf(config: TrainConfig, net: Network): LayerRule[] {
  return parametrizationRules(net.sizes, {
    parametrization: config.parametrization,
    baseWidth: config.baseWidth,
    optimizer: config.optimizer,
    readoutZero: config.readoutZero,
  });
}

/**
 * Rescales the freshly initialized weights by the parametrization's init multipliers (muP: the
 * readout's std / sqrt(m)) and zeroes the readout when asked. SP with no zero readout touches
 * nothing (the same bits as before parametrizations existed).
 */
export function applyParametrizationInit(net: Network, rules: readonly LayerRule[]): void {
  for (const r of rules) {
    const layer = net.layers[r.layer];
    if (r.zero) {
      layer.W.fill(0);
      layer.b.fill(0);
    } else if (r.initStd !== 1) {
      for (let i = 0; i < layer.W.length; i++) layer.W[i] *= r.initStd;
    }
  }
}

/** The learning-rate multiplier of every parameter of the network (in net.params() order), or undefined when all are 1. */
export function lrScaleOf(rules: readonly LayerRule[], net: Network): number[] | undefined {
  const scale = net.params().map((p) => {
    const r = rules[p.layer];
    return p.kind === "weight" ? r.weightLr : p.kind === "bias" ? r.biasLr : 1;
  });
  return scale.every((x) => x === 1) ? undefined : scale;
}

export function makeOptimizer(config: TrainConfig, net: Network): Optimizer {
  const params = net.params();
  const lrScale = lrScaleOf(rulesOf(config, net), net);
  return config.optimizer === "adam"
    ? new Adam(
        params,
        {
          beta1: config.beta1,
          beta2: config.beta2,
          eps: config.eps,
          weightDecay: config.weightDecay,
          l1: config.l1,
          lrScale,
        },
        net.backend,
      )
    : new Sgd(
        params,
        {
          momentum: config.momentum,
          nesterov: config.nesterov,
          weightDecay: config.weightDecay,
          l1: config.l1,
          lrScale,
        },
        net.backend,
      );
}

/**
 * Mean loss and accuracy over a whole split, in fixed order and fixed batches, in evaluation mode
 * (BatchNorm normalizes with its running averages, as after torch's model.eval()); the network is
 * left in "probe" mode. With `targets` (a regression set's Dataset.targets, the loss its squared
 * error) the accuracy is 0 and `r2` is the split's R^2 (`rSquared`).
 */
export function evaluate(
  net: Network,
  loss: Loss,
  X: Float32Array,
  Y: Int32Array,
  n: number,
  batchSize: number,
  targets?: Float32Array,
): { loss: number; accuracy: number; r2?: number } {
  const d = net.inputDim;
  const C = net.outputDim;
  let total = 0;
  let correct = 0;
  net.mode = "eval";
  for (let s = 0; s < n; s += batchSize) {
    const B = Math.min(batchSize, n - s);
    const logits = net.forward(X.subarray(s * d, (s + B) * d), B);
    const labels = Y.subarray(s, s + B);
    total += loss.forward(logits, labels, B, C, null) * B;
    if (!targets) correct += countCorrect(logits, labels, B, C);
  }
  net.mode = "probe";
  const mean = n > 0 ? total / n : Number.NaN;
  if (targets) return { loss: mean, accuracy: 0, r2: n > 0 ? rSquared(total, Y, targets, n) : Number.NaN };
  return { loss: mean, accuracy: n > 0 ? correct / n : 0 };
}

/** The loss of a run: the config's, against the data set's targets for a regression set. */
export function lossOf(config: TrainConfig, dataset: Dataset): Loss {
  return getLoss(config.loss, dataset.targets);
}

/**
 * Trains a network with mini-batch gradient descent. Deterministic: the initialization stream is
 * Rng.derive(seed, "init") and the shuffling stream Rng.derive(seed, "shuffle").
 * Divergence is a result: when the loss or the gradient norm is NaN/Inf, training stops and the
 * record says diverged with the step.
 */
export function train(config: TrainConfig, opts: TrainOptions): RunRecord {
  const t0 = performance.now();
  const { dataset, backend, hooks } = opts;
  const runtime = opts.runtime ?? defaultRuntime();
  if (dataset.nTrain === 0) throw new UserError(`data set ${dataset.name} has no training examples`);
  const net = opts.network ?? buildNetwork(config, dataset, backend);
  if (net.inputDim !== dataset.inputDim || net.outputDim !== dataset.numClasses) {
    throw new UserError(
      `network ${net.sizes.join("-")} does not fit data set ${dataset.name} (${dataset.inputDim} inputs, ${dataset.numClasses} ${dataset.targets ? "output" : "classes"})`,
    );
  }
  const loss = lossOf(config, dataset);
  const optimizer = makeOptimizer(config, net);
  const params = net.params();
  const d = dataset.inputDim;
  const C = dataset.numClasses;
  const B0 = Math.min(config.batchSize, dataset.nTrain);
  const stepsPerEpoch = Math.ceil(dataset.nTrain / B0);
  const totalSteps = Math.min(stepsPerEpoch * config.epochs, config.maxSteps ?? Number.POSITIVE_INFINITY);
  const shuffleRng = Rng.derive(config.seed, "shuffle");
  const schedule = { ...config, totalSteps };
  const batchY = new Int32Array(B0);
  const dLogits: FloatArray = net.dtype === "float64" ? new Float64Array(B0 * C) : backend.alloc(B0 * C);

  const record: RunRecord = {
    config,
    meta: {
      initlab: runtime.initlab,
      backend: backend.name,
      threads: backend.threads,
      node: runtime.platform,
      startedAt: new Date().toISOString(),
      sizes: [...net.sizes],
    },
    epochs: [],
    lossCurve: [],
    final: {
      trainLoss: null,
      testLoss: null,
      testAccuracy: 0,
      diverged: false,
      divergedAtStep: null,
      samplesPerSecond: 0,
      steps: 0,
      trainSeconds: 0,
      totalSeconds: 0,
    },
    probes: [],
    findings: [],
    ...(net.dataInit ? { dataInit: net.dataInit } : {}),
  };
  const ctx: TrainContext = { step: 0, epoch: 0, net, loss, optimizer, dataset, config };
  // Probes (src/probe): a fixed batch, probed at step 0 and after the optimizer step of every
  // probeEvery-th step (and of a diverged step); snapshots and new findings go into the record.
  const prober =
    config.probeEvery > 0
      ? new TrainingProbe(net, loss, dataset, { size: config.probeBatch, seed: config.seed })
      : null;
  const probe = (updateNorms: ArrayLike<number> | null) => {
    if (!prober) return;
    const r = prober.probe(ctx.step, updateNorms);
    record.probes.push(r.snapshot);
    record.findings.push(...r.findings);
    hooks?.onProbe?.(ctx, record, r.inspection);
  };
  probe(null);

  let step = 0;
  let trainMs = 0;
  let samples = 0;
  let lastLoss = Number.NaN;
  let stop = false;
  for (let epoch = 0; epoch < config.epochs && !stop; epoch++) {
    const te = performance.now();
    const order = shuffleRng.permutation(dataset.nTrain);
    let epochLoss = 0;
    let epochCount = 0;
    for (let s = 0; s < stepsPerEpoch && !stop; s++) {
      if (step >= totalSteps || opts.signal?.aborted) {
        stop = true;
        break;
      }
      const start = s * B0;
      const B = Math.min(B0, dataset.nTrain - start);
      // inputBuffer is fetched every step: an evaluation or probe with a larger batch may have replaced it.
      gatherRows(dataset.trainX, dataset.trainY, d, order, start, B, net.inputBuffer(B), batchY);
      const ts = performance.now();
      // a training step: batch statistics, BatchNorm's running averages updated (probes do not update them)
      net.mode = "train";
      const logits = net.forwardInput(B);
      net.mode = "probe";
      const l = loss.forward(logits, batchY, B, C, dLogits);
      net.backward(dLogits);
      const gradNorm =
        config.clipNorm !== null
          ? clipGradNorm(params, config.clipNorm, net.backend)
          : globalGradNorm(params, net.backend);
      const lr = learningRate(schedule, step, epoch);
      const diverged = !Number.isFinite(l) || !Number.isFinite(gradNorm);
      if (!diverged) optimizer.step(lr);
      trainMs += performance.now() - ts;
      step++;
      samples += B;
      lastLoss = l;
      if (diverged) {
        record.final.diverged = true;
        record.final.divergedAtStep = step;
        stop = true;
      } else {
        epochLoss += l * B;
        epochCount += B;
      }
      if (step % config.lossEvery === 0 || step === 1 || diverged) {
        record.lossCurve.push({ step, loss: finite(l), lr, gradNorm: finite(gradNorm) });
      }
      ctx.step = step;
      ctx.epoch = epoch;
      if (step % config.probeEvery === 0 || diverged) probe(diverged ? null : optimizer.lastUpdateNorms);
      hooks?.onStep?.({
        step,
        epoch,
        stepsPerEpoch,
        totalSteps,
        loss: l,
        lr,
        gradNorm,
        samplesPerSecond: trainMs > 0 ? samples / (trainMs / 1000) : 0,
      });
    }
    const ev = evaluate(
      net,
      loss,
      dataset.testX,
      dataset.testY,
      dataset.nTest,
      config.evalBatchSize,
      dataset.targets,
    );
    const er: EpochRecord = {
      epoch: epoch + 1,
      trainLoss: epochCount > 0 ? finite(epochLoss / epochCount) : null,
      testLoss: finite(ev.loss),
      testAccuracy: ev.accuracy,
      ...(ev.r2 !== undefined ? { testR2: finite(ev.r2) } : {}),
      seconds: (performance.now() - te) / 1000,
    };
    record.epochs.push(er);
    hooks?.onEpoch?.(er);
  }
  const last = record.epochs[record.epochs.length - 1];
  record.final = {
    ...record.final,
    trainLoss: last?.trainLoss ?? finite(lastLoss),
    testLoss: last?.testLoss ?? null,
    testAccuracy: last?.testAccuracy ?? 0,
    ...(dataset.targets ? { testR2: last?.testR2 ?? null } : {}),
    samplesPerSecond: trainMs > 0 ? samples / (trainMs / 1000) : 0,
    steps: step,
    trainSeconds: trainMs / 1000,
    totalSeconds: (performance.now() - t0) / 1000,
  };
  return record;
}
