/**
 * Experiment 24, "batchnorm-depth": what BatchNorm does to deep networks, in three parts.
 *
 * (a) Ioffe & Szegedy 2015 ("Batch Normalization", arXiv:1502.03167, Sec. 3.3 and 4.2): normalizing
 *     every layer's pre-activations over the batch makes training insensitive to the scale of the
 *     weights, so a deep sigmoid MLP with a badly scaled initialization trains with BatchNorm and
 *     stalls without it. The bad init is the notes' vanishing-gradient setup (N(0, 0.05^2) weights,
 *     100 units: each sigmoid layer multiplies the signal and the gradient by about
 *     sqrt(100 * 0.05^2) / 4 = 1/8; experiment vanishing-depth).
 * (b) Yang et al. 2019 ("A Mean Field Theory of Batch Normalization", arXiv:1902.08129): at
 *     initialization a deep plain ReLU network with BatchNorm has gradients that grow
 *     geometrically toward the input, the squared weight-gradient norm by pi / (pi - 1) = 1.467
 *     per layer (large width and batch; theory/batchnorm-gradient.ts), measured by
 *     probe/gradient-growth.ts.
 * (c) Residual connections around the same normalized layers remove most of that growth.
 */
import { type GradientGrowth, gradientGrowth } from "../../probe/gradient-growth.js";
import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { fmt } from "../../report/format.js";
import type { Check, KeyNumber, TableSpec } from "../../report/report-types.js";
import { BN_RELU_GRADIENT_FACTOR } from "../../theory/batchnorm-gradient.js";
import { bestRate, bestRateEdge } from "../harness/rate-grid.js";
import { lossCurveChart, lossSeries } from "../harness/run-charts.js";
import { mnistSize, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { throwIfAborted } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";
import { tailLoss } from "./he2015-depth.js";

/** Rule (a): a network "learns" above this test accuracy (docs/experiments.md's convention: five times chance). */
export const BN_LEARNS = 0.5;
/** Rule (a): a network "stalls" below this test accuracy. */
export const BN_STALLS = 0.3;
/** Rule (a): the paired gain of BatchNorm over no normalization, test accuracy at each one's best rate (0.3 = 30 points). */
export const BN_MIN_GAIN = 0.3;
/**
 * Rule (b): the measured per-layer factor within this relative distance of pi / (pi - 1) on both
 * sides. The constant is a large-width, large-batch limit; at width 256 and batch 256 the finite
 * batch shifts it by a few percent (the report gives the factor at a small batch too).
 */
export const FACTOR_TOLERANCE = 0.1;
/** Rule (c): the residual BN network's total growth of ||dL/dW||^2 is at most this fraction of the plain BN network's. */
export const RESIDUAL_MAX_FRACTION = 0.1;

/** The sizes of one seed of the experiment. */
export interface BatchnormPlan {
  /** (a): hidden sigmoid layers and their width, training length and data, the factor-2 rate grid (log2 lr) */
  train: {
    hidden: number;
    width: number;
    maxSteps: number | null;
    epochs: number;
    trainLimit: number | null;
    testLimit: number | null;
    log2Lr: number[];
  };
  /** (b, c): the ReLU networks at initialization; `batches`: the batch sizes the plain BN factor is reported at */
  gradient: { hidden: number; width: number; batch: number; batches: number[] };
}

export const BN_PLANS: Record<"quick" | "full", BatchnormPlan> = {
  quick: {
    train: {
      hidden: 10,
      width: 100,
      ...mnistSize(true, 300, 1),
      log2Lr: [-9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1],
    },
    gradient: { hidden: 17, width: 256, batch: 256, batches: [32, 256] },
  },
  full: {
    train: {
      hidden: 20,
      width: 100,
      ...mnistSize(false, 0, 2),
      log2Lr: [-9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1],
    },
    gradient: { hidden: 33, width: 512, batch: 256, batches: [32, 128, 256, 512] },
  },
};

/** The numbers one seed's checks are computed from. */
export interface BatchnormMeasures {
  /** (a) test accuracy of the sigmoid + BatchNorm network at its best rate */
  bnAccuracy: number;
  /** (a) test accuracy of the same network without normalization at its best rate */
  noneAccuracy: number;
  /** (b) per-layer growth of ||dL/dW||^2 of the plain BN ReLU network (geometric mean over layers) */
  factor: number;
  /** (c) total growth g_1 / g_{H-1} of the plain BN network and of the residual BN network */
  plainTotal: number;
  residualTotal: number;
}

/** The rule's checks from one seed's measures (the harness combines the seeds with t intervals; (a) is paired). */
export function batchnormChecks(m: BatchnormMeasures): Check[] {
  const lam = BN_RELU_GRADIENT_FACTOR;
  return [
    check("(a) sigmoid + BatchNorm: test accuracy at its best rate (learns)", m.bnAccuracy, ">", BN_LEARNS),
    check(
      "(a) sigmoid, no normalization: test accuracy at its best rate (stalls)",
      m.noneAccuracy,
      "<",
      BN_STALLS,
    ),
    check(
      "(a) BatchNorm minus no normalization: test accuracy (paired, best rate of each)",
      m.bnAccuracy - m.noneAccuracy,
      ">=",
      BN_MIN_GAIN,
    ),
    check(
      `(b) plain BN ReLU: per-layer growth of ||dL/dW||^2, above (1 - ${FACTOR_TOLERANCE}) pi/(pi-1)`,
      m.factor,
      ">",
      (1 - FACTOR_TOLERANCE) * lam,
    ),
    check(
      `(b) plain BN ReLU: per-layer growth of ||dL/dW||^2, below (1 + ${FACTOR_TOLERANCE}) pi/(pi-1)`,
      m.factor,
      "<",
      (1 + FACTOR_TOLERANCE) * lam,
    ),
    check(
      "(c) residual BN / plain BN: total growth of ||dL/dW||^2",
      m.residualTotal / m.plainTotal,
      "<=",
      RESIDUAL_MAX_FRACTION,
      { scale: "log" },
    ),
  ];
}

/** The cost a rate is chosen by: the mean batch loss over the last 50 steps; a diverged run costs +Infinity. */
function runCost(r: ProbedRun): number {
  return r.record.final.diverged ? Number.POSITIVE_INFINITY : tailLoss(r);
}

/** The run of the best rate (least cost; the smallest rate when every run diverged) and where it sits in the grid. */
function bestRun(runs: ProbedRun[]): { run: ProbedRun; edge: "lower" | "upper" | null } {
  const costs = new Map(runs.map((r) => [r.config.lr, runCost(r)]));
  const lr = bestRate(costs) ?? Math.min(...costs.keys());
  return { run: runs.find((r) => r.config.lr === lr)!, edge: bestRateEdge(costs) };
}

const NORMS = [
  { norm: "batch", name: "sigmoid + BatchNorm" },
  { norm: "none", name: "sigmoid, no normalization" },
] as const;

const GRADIENT_NETS = [
  { name: "plain, BatchNorm", architecture: { norm: "batch" } },
  { name: "residual, BatchNorm", architecture: { norm: "batch", residual: 1 } },
  { name: "plain, no normalization", architecture: {} },
] as const;

/** One seed of the experiment with the given plan (the registered experiment uses BN_PLANS). */
export async function runBatchnormDepth(
  ctx: ExperimentContext,
  plan: BatchnormPlan,
): Promise<ExperimentResult> {
  const lam = BN_RELU_GRADIENT_FACTOR;
  const { train: t, gradient: g } = plan;
  // (b, c) at initialization: cheap, first.
  const growth: GradientGrowth[] = [];
  for (const [i, n] of GRADIENT_NETS.entries()) {
    throwIfAborted(ctx);
    ctx.progress.run(`gradient at init: ReLU ${n.name}`, i, GRADIENT_NETS.length + g.batches.length);
    growth.push(
      gradientGrowth(ctx.seed, {
        hidden: g.hidden,
        width: g.width,
        batch: g.batch,
        architecture: n.architecture,
        backend: ctx.backend,
      }),
    );
  }
  const [plain, residual, none] = growth;
  const byBatch: { batch: number; factor: number }[] = [];
  for (const [i, B] of g.batches.entries()) {
    throwIfAborted(ctx);
    ctx.progress.run(
      `gradient at init: plain BN, batch ${B}`,
      GRADIENT_NETS.length + i,
      GRADIENT_NETS.length + g.batches.length,
    );
    const f =
      B === g.batch
        ? plain.perLayer
        : gradientGrowth(ctx.seed, {
            hidden: g.hidden,
            width: g.width,
            batch: B,
            architecture: { norm: "batch" },
            backend: ctx.backend,
          }).perLayer;
    byBatch.push({ batch: B, factor: f });
  }

  // (a) training over the rate grid.
  const rates = t.log2Lr.map((e) => 2 ** e);
  const runs: ProbedRun[][] = [];
  let k = 0;
  for (const n of NORMS) {
    const mine: ProbedRun[] = [];
    for (const lr of rates) {
      mine.push(
        await trainRun(
          ctx,
          `${n.name}, lr ${fmt(lr)}`,
          k++,
          NORMS.length * rates.length,
          {
            data: "mnist",
            preprocess: "standardize",
            hidden: new Array(t.hidden).fill(t.width),
            activation: "sigmoid",
            init: "normal(std=0.05)",
            norm: n.norm,
            optimizer: "sgd",
            momentum: 0.9,
            lr,
            batchSize: 64,
            seed: ctx.seed,
            lossEvery: 5,
            maxSteps: t.maxSteps,
            epochs: t.epochs,
            trainLimit: t.trainLimit,
            testLimit: t.testLimit,
          },
          { probeEvery: null },
        ),
      );
    }
    runs.push(mine);
  }
  const [bn, plainSigmoid] = runs.map(bestRun);
  const acc = (r: ProbedRun) => r.record.final.testAccuracy;
  const measures: BatchnormMeasures = {
    bnAccuracy: acc(bn.run),
    noneAccuracy: acc(plainSigmoid.run),
    factor: plain.perLayer,
    plainTotal: plain.total,
    residualTotal: residual.total,
  };
  const checks = batchnormChecks(measures);

  const H = g.hidden;
  // hidden layer l (0-based in gradSquared) is drawn at x = l + 1, as the other reports number layers
  const layerPoints = (x: GradientGrowth) =>
    x.gradSquared.slice(0, H).map((v, l) => [l + 1, v] as [number, number]);
  const anchor = plain.gradSquared[H - 1];
  const gradChart: ChartSpec = {
    kind: "line",
    id: "grad-per-layer",
    title: `||dL/dW_l||^2 per hidden layer at initialization, ReLU ${H} x ${g.width}, batch ${g.batch}`,
    caption: `Plain BatchNorm: the squared gradient grows toward the input (layer 1) by about pi/(pi-1) = ${fmt(lam, 4)} per layer (dashed: Yang et al. 2019's rate, anchored at the last hidden layer); residual blocks around the same layers flatten it; without normalization (He init) it does not grow toward the input (it shrinks slightly, about 0.9 per layer).`,
    x: { label: "hidden layer (1 = nearest the input)" },
    y: { label: "||dL/dW_l||^2", log: true },
    series: [
      ...GRADIENT_NETS.map(
        (n, i): LineSeries => ({ name: n.name, group: n.name, points: layerPoints(growth[i]) }),
      ),
      {
        name: "plain, BatchNorm: pi/(pi-1) per layer (theory)",
        group: "plain, BatchNorm",
        role: "theory",
        points: Array.from(
          { length: H - 1 },
          (_, i) => [i + 2, anchor * lam ** (H - 2 - i)] as [number, number],
        ),
      },
    ],
  };
  const accChart: ChartSpec = {
    kind: "line",
    id: "accuracy-vs-lr",
    title: `Test accuracy against log2 learning rate: sigmoid ${t.hidden} x ${t.width}, N(0, 0.05^2) weights`,
    caption: `With BatchNorm the network learns over a range of rates; without it no rate of the grid gets off chance (10%). Dotted lines: ${fmt(BN_LEARNS)} (learns) and ${fmt(BN_STALLS)} (stalls).`,
    x: { label: "log2 learning rate" },
    y: { label: "test accuracy", min: 0, max: 1 },
    series: NORMS.map((n, i) => ({
      name: n.name,
      points: runs[i].map((r) => [Math.log2(r.config.lr), acc(r)] as [number, number]),
    })),
    markLines: [
      { axis: "y", value: BN_LEARNS, label: "learns" },
      { axis: "y", value: BN_STALLS, label: "stalls" },
    ],
  };
  const edgeNote = (
    name: string,
    mine: ProbedRun[],
    b: { run: ProbedRun; edge: "lower" | "upper" | null },
  ) =>
    mine.every((r) => acc(r) < BN_STALLS)
      ? `${name}: no rate of the grid (2^${t.log2Lr[0]} .. 2^${t.log2Lr.at(-1)}) gets its test accuracy to ${fmt(BN_STALLS)} (best ${fmt(Math.max(...mine.map(acc)), 3)}); the "best" rate (${fmt(b.run.config.lr)}) is only the least final loss among runs that all stay near ln 10.`
      : b.edge
        ? `${name}: the best rate (${fmt(b.run.config.lr)}) is on the ${b.edge} edge of the grid (2^${t.log2Lr[0]} .. 2^${t.log2Lr.at(-1)}).`
        : `${name}: the best rate (${fmt(b.run.config.lr)}) is inside the grid (2^${t.log2Lr[0]} .. 2^${t.log2Lr.at(-1)}).`;
  const numbers: KeyNumber[] = [
    { label: "(b) measured per-layer factor of ||dL/dW||^2, plain BN ReLU", value: plain.perLayer },
    { label: "(b) Yang et al. 2019: pi/(pi-1)", value: lam },
    ...byBatch.map((b) => ({ label: `(b) measured per-layer factor at batch ${b.batch}`, value: b.factor })),
    { label: "(b) per-layer factor, residual BN ReLU", value: residual.perLayer },
    { label: "(b) per-layer factor, ReLU without normalization (He)", value: none.perLayer },
    { label: `(c) total growth over ${plain.ratios} layers, plain BN`, value: plain.total },
    { label: `(c) total growth over ${residual.ratios} layers, residual BN`, value: residual.total },
    { label: "(c) residual / plain total growth", value: residual.total / plain.total },
    { label: "(a) test accuracy, sigmoid + BatchNorm (best rate)", value: measures.bnAccuracy },
    { label: "(a) test accuracy, sigmoid, no normalization (best rate)", value: measures.noneAccuracy },
    { label: "(a) best rate, sigmoid + BatchNorm", value: bn.run.config.lr },
  ];
  const gradTable: TableSpec = {
    id: "grad-per-layer",
    title: "||dL/dW_l||^2 per layer at initialization",
    columns: ["layer", ...GRADIENT_NETS.map((n) => n.name)],
    rows: plain.gradSquared.map((_, l) => [l === H ? "out" : l + 1, ...growth.map((x) => x.gradSquared[l])]),
  };
  const batchTable: TableSpec = {
    id: "factor-vs-batch",
    title: "Plain BN ReLU: measured per-layer factor against batch size (finite-batch effect)",
    caption: `Yang et al.'s pi/(pi-1) = ${fmt(lam, 4)} is the large-batch limit; width ${g.width}.`,
    columns: ["batch", "per-layer factor", "factor / (pi/(pi-1))"],
    rows: byBatch.map((b) => [b.batch, b.factor, b.factor / lam]),
  };
  return {
    verdict: verdict(
      checks,
      `(a) sigmoid ${t.hidden} x ${t.width}, N(0, 0.05^2): BatchNorm ${fmt(100 * measures.bnAccuracy, 3)}% vs ${fmt(100 * measures.noneAccuracy, 3)}% without; (b) plain BN ReLU: x${fmt(plain.perLayer, 4)} per layer (pi/(pi-1) = ${fmt(lam, 4)}); (c) total growth residual x${fmt(residual.total, 3)} vs plain x${fmt(plain.total, 3)}.`,
    ),
    numbers,
    charts: [
      gradChart,
      accChart,
      lossCurveChart("loss-curves", "Training loss at the best rate of each", [bn.run, plainSigmoid.run], {
        caption: "Without normalization the loss stays at ln 10 = 2.30 (a constant guess).",
      }),
    ],
    tables: [gradTable, batchTable],
    series: [lossSeries("loss", runs.flat())],
    configurations: runs.flat().map(runConfiguration),
    notes: [
      edgeNote("sigmoid + BatchNorm", runs[0], bn),
      edgeNote("sigmoid, no normalization", runs[1], plainSigmoid),
      "Best rate: the least mean batch loss over the last 50 steps (a diverged run counts as +Infinity); the checks use the test accuracy at that rate. Both configurations run on the same seeds, so the gain is paired.",
      `Gradients at initialization: ${H} hidden ReLU layers of ${g.width}, He normal, zero biases, ${g.batch} standard normal inputs of dimension 32 with random labels (cross-entropy); BatchNorm before each ReLU with batch statistics; the residual network is 1 + ${H - 1} one-layer pre-activation blocks x + W ReLU(BN(x)) (docs/architectures.md). The factor is the geometric mean of ||dL/dW_l||^2 / ||dL/dW_{l+1}||^2 from the second to the last hidden layer (layers 2..${H} in the chart; src/probe/gradient-growth.ts).`,
      "Without normalization, He ReLU's per-layer factor is not 1 exactly: the weight gradient is a sum over the batch, and deep ReLU layers correlate the examples' activations; it is reported, not checked.",
    ],
  };
}

export const batchnormDepthExperiment: Experiment = {
  name: "batchnorm-depth",
  order: 24,
  title:
    "BatchNorm trains a deep sigmoid network with a bad init, and makes a deep plain ReLU network's gradients explode at init",
  claim:
    "(a) BatchNorm makes a deep sigmoid MLP with a badly scaled initialization (N(0, 0.05^2) weights) train, where the same network without it stalls at every learning rate. (b) At initialization a deep plain ReLU network with BatchNorm has gradients that grow geometrically toward the input, ||dL/dW||^2 by pi/(pi-1) = 1.467 per layer. (c) Residual connections around the same normalized layers remove that explosion.",
  source:
    "Ioffe & Szegedy 2015, arXiv:1502.03167 (Sec. 3.3: BatchNorm makes training resilient to the parameters' scale; Sec. 4.1, sigmoid networks); Yang, Pennington, Rao, Sohl-Dickstein & Schoenholz 2019, arXiv:1902.08129 (gradient explosion, pi/(pi-1) for ReLU; residual connections remove it).",
  method: `(a) MNIST standardized, sigmoid MLPs of ${BN_PLANS.quick.train.hidden} (quick) / ${BN_PLANS.full.train.hidden} (full) hidden layers of 100, N(0, 0.05^2) weights (the notes' vanishing-gradient setup), zero biases, BatchNorm before each sigmoid vs none; SGD momentum 0.9, batch 64, rates 2^${BN_PLANS.quick.train.log2Lr[0]} .. 2^${BN_PLANS.quick.train.log2Lr.at(-1)} (factor 2); the best rate of each by its final training loss. (b, c) ReLU, He normal, ${BN_PLANS.quick.gradient.hidden} x ${BN_PLANS.quick.gradient.width} (quick) / ${BN_PLANS.full.gradient.hidden} x ${BN_PLANS.full.gradient.width} (full) at initialization, ${BN_PLANS.quick.gradient.batch} Gaussian inputs: ||dL/dW_l||^2 per layer for plain BN, residual BN (one-layer blocks) and no normalization; the plain BN factor also at batch ${BN_PLANS.quick.gradient.batches[0]}.`,
  rule: `Fixed before the run. (a) At each configuration's best rate: BatchNorm's test accuracy > ${BN_LEARNS} (learns), without normalization < ${BN_STALLS} (stalls), and the paired gain BatchNorm minus none >= ${BN_MIN_GAIN} (${100 * BN_MIN_GAIN} points). (b) The plain BN ReLU network's per-layer factor of ||dL/dW||^2 (geometric mean over the hidden layers) within ${100 * FACTOR_TOLERANCE}% of pi/(pi-1) = ${fmt(BN_RELU_GRADIENT_FACTOR, 4)}: above ${fmt((1 - FACTOR_TOLERANCE) * BN_RELU_GRADIENT_FACTOR, 4)} and below ${fmt((1 + FACTOR_TOLERANCE) * BN_RELU_GRADIENT_FACTOR, 4)}. (c) The residual BN network's total growth over the same layers <= ${RESIDUAL_MAX_FRACTION} x the plain BN network's. Each a mean over seeds with its 95% t interval (the ratio in (c) on logs).`,
  sizes: {
    quick: `(a) ${BN_PLANS.quick.train.hidden} x 100, 300 steps on 10,000 images, ${BN_PLANS.quick.train.log2Lr.length} rates x 2; (b, c) ${BN_PLANS.quick.gradient.hidden} x ${BN_PLANS.quick.gradient.width}, batch ${BN_PLANS.quick.gradient.batches.join(" and ")}`,
    full: `(a) ${BN_PLANS.full.train.hidden} x 100, 2 epochs on 60,000 images, ${BN_PLANS.full.train.log2Lr.length} rates x 2; (b, c) ${BN_PLANS.full.gradient.hidden} x ${BN_PLANS.full.gradient.width}, batch ${BN_PLANS.full.gradient.batches.join(", ")}`,
  },
  // CPU seconds of one quick seed (experiment run batchnorm-depth --quick --seeds 1 --jobs 1 --threads 1): orders the pool's queue.
  seedCost: 10,
  run(ctx: ExperimentContext): Promise<ExperimentResult> {
    return runBatchnormDepth(ctx, ctx.quick ? BN_PLANS.quick : BN_PLANS.full);
  },
};
