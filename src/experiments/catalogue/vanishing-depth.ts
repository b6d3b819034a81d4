/**
 * Experiment 2, "vanishing-depth": sigmoid MLPs of depth 2..10 with a small normal
 * initialization. The gradient of the early layers shrinks geometrically with depth (each sigmoid
 * layer multiplies dL/dz by W^T and by sigma'(z) <= 1/4), so deep ones do not learn; the fixes
 * (tanh + Xavier, ReLU + He, sigmoid + the notes' 4x Xavier) train at depth 8.
 */
import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { finiteOrNull } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import {
  finalTable,
  layerLineChart,
  layerStepHeatmap,
  lossCurveChart,
  lossSeries,
  METRICS,
  probeSeries,
} from "../harness/run-charts.js";
import { mnistSize, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Check, Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

const WIDTH = 100;
const STD = 0.05;
const DEPTHS = [2, 3, 4, 5, 6, 7, 8, 9, 10];
const HIGHLIGHT = [5, 8];
const FIX_DEPTH = 8;
const LEARN = 0.5;
const FAIL = 0.3;
/** The notes' bound on the per-layer factor of the gradient's std: sqrt(n Var(w)) * max sigma' = sqrt(100 * 0.05^2) / 4. */
const BOUND = Math.sqrt(WIDTH * STD * STD) / 4;
/**
 * Allowance for a finite network: with 100 units and 128 probe images each measured variance ratio
 * scatters by about sqrt(2/100) = 14%, about 3% on the geometric mean of the std factor over 5-7
 * layers; the bound is nearly tight here (z stays near 0, where sigma' = 1/4), so 10% is allowed.
 */
const ALLOWANCE = 1.1;

const FIXES = [
  { label: "tanh + xavier_normal", activation: "tanh", init: "xavier_normal" },
  { label: "ReLU + he_normal", activation: "relu", init: "he_normal" },
  {
    label: "sigmoid + xavier_sigmoid_uniform (4x Xavier)",
    activation: "sigmoid",
    init: "xavier_sigmoid_uniform",
  },
];

/** ||dL/dW|| of the first layer over that of the output layer, at step 0. */
function gradRatio(r: ProbedRun): number {
  const L = r.probes[0].layers;
  return L[0].weightGradNorm / L[L.length - 1].weightGradNorm;
}

/**
 * The measured per-layer factor of the gradient's std through the hidden sigmoid layers at step 0:
 * the geometric mean of sqrt(Var(dL/dz_l) / Var(dL/dz_{l+1})) over consecutive hidden layers (the
 * 10-unit output layer is left out: its fan-out is not the hidden width).
 */
function perLayerFactor(r: ProbedRun): number {
  const L = r.probes[0].layers;
  let s = 0;
  let n = 0;
  for (let l = 0; l + 1 < L.length - 1; l++) {
    s += 0.5 * Math.log(L[l].grad.var / L[l + 1].grad.var);
    n++;
  }
  return Math.exp(s / n);
}

/** What the verdict of one seed is computed from: step-0 gradients and final test accuracies. */
export interface VanishingMeasures {
  /** ||dL/dW_1|| / ||dL/dW_out|| at step 0 of the sigmoid nets with 5 and 8 hidden layers. */
  gradRatio: { depth5: number; depth8: number };
  /** The measured per-layer factor of the gradient's std at step 0 (`perLayerFactor`), depths 5 and 8. */
  layerFactor: { depth5: number; depth8: number };
  /** Test accuracy of the sigmoid nets with 2 and 8 hidden layers. */
  accuracy: { depth2: number; depth8: number };
  /** Test accuracy of each fix at depth 8, in the order of `FIXES`. */
  fixAccuracy: readonly number[];
}

/**
 * The experiment's checks from one seed's measures, in the rule's order: (1) the gradient ratio
 * falls more than 10x from depth 5 to 8; (2) the per-layer factor at depths 5 and 8 is at most
 * 1.1 x the notes' bound sqrt(n Var(w)) / 4; (3) depth 2 learns, depth 8 does not; (4) each fix learns.
 */
export function vanishingChecks(m: VanishingMeasures): Check[] {
  return [
    check(
      "decay of ||dL/dW_1||/||dL/dW_out|| from depth 5 to depth 8",
      m.gradRatio.depth5 / m.gradRatio.depth8,
      ">",
      10,
      { scale: "log" },
    ),
    check(
      "per-layer gradient factor at depth 5 (<= 1.1 x bound)",
      m.layerFactor.depth5,
      "<=",
      ALLOWANCE * BOUND,
    ),
    check(
      "per-layer gradient factor at depth 8 (<= 1.1 x bound)",
      m.layerFactor.depth8,
      "<=",
      ALLOWANCE * BOUND,
    ),
    check("test accuracy at depth 2", m.accuracy.depth2, ">", LEARN),
    check("test accuracy at depth 8", m.accuracy.depth8, "<", FAIL),
    ...FIXES.map((f, i) =>
      check(`test accuracy, ${f.label}, depth ${FIX_DEPTH}`, m.fixAccuracy[i] ?? null, ">", LEARN),
    ),
  ];
}

export const vanishingDepthExperiment: Experiment = {
  name: "vanishing-depth",
  order: 2,
  title: "Vanishing gradients in deep sigmoid networks, and the fixes",
  claim:
    "With many sigmoid layers the gradient of the early layers becomes too small to have any effect: each sigmoid layer multiplies it by at most sigma'(z) <= 1/4 (times the weights), so the gradient shrinks geometrically with depth and deep networks stop learning. Tanh + Xavier, ReLU + He and sigmoid + the 4x Xavier variant keep a deep network trainable.",
  source:
    "The study notes, experimental result 3 (the hand computation for 5 and 8 sigmoid layers) and the Xavier section (sigmoid needs a 4x larger bound); Glorot & Bengio 2010; He et al. 2015, arXiv:1502.01852.",
  method: `Sigmoid MLPs with ${DEPTHS[0]}..${DEPTHS[DEPTHS.length - 1]} hidden layers of ${WIDTH} units, weights N(0, ${STD}^2), zero biases, on standardized MNIST; SGD lr 0.05 momentum 0.9, batch 64. Per-layer probes (128 fixed training images) at step 0 with the theory's backward variance recursion, and every 25 steps. At depth ${FIX_DEPTH}, the same network with the three fixes.`,
  rule: `(1) At step 0, ||dL/dW_1|| / ||dL/dW_out|| falls by more than 10x from depth 5 to depth 8 (a geometric decay). (2) At depths 5 and 8, the measured per-layer factor of the gradient's std, the geometric mean of sqrt(Var(dL/dz_l)/Var(dL/dz_l+1)), is at most the notes' bound sqrt(n Var(w)) * 1/4 = ${fmt(BOUND)} (with a 10% allowance for the finite width: ${fmt(ALLOWANCE * BOUND)}). (3) Depth 2 learns (test accuracy > ${pct(LEARN)}), depth 8 does not (< ${pct(FAIL)}). (4) Each fix learns at depth ${FIX_DEPTH} (> ${pct(LEARN)}).`,
  sizes: {
    quick: "10,000 training / 2,000 test images, 300 steps per run, 12 runs",
    full: "60,000 / 10,000 images, 2 epochs per run, 12 runs",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const size = mnistSize(ctx.quick, 300, 2);
    const base = {
      data: "mnist",
      preprocess: "standardize" as const,
      optimizer: "sgd" as const,
      lr: 0.05,
      momentum: 0.9,
      batchSize: 64,
      seed: ctx.seed,
      lossEvery: 5,
      ...size,
    };
    const total = DEPTHS.length + FIXES.length;
    const probeEvery = ctx.quick ? 25 : 100;
    const byDepth: ProbedRun[] = [];
    for (const [i, d] of DEPTHS.entries()) {
      byDepth.push(
        await trainRun(
          ctx,
          `sigmoid, depth ${d}`,
          i,
          total,
          { ...base, hidden: new Array(d).fill(WIDTH), activation: "sigmoid", init: `normal(std=${STD})` },
          { probeEvery, probeBatch: 128 },
        ),
      );
    }
    const fixes: ProbedRun[] = [];
    for (const [i, f] of FIXES.entries()) {
      fixes.push(
        await trainRun(
          ctx,
          `${f.label}, depth ${FIX_DEPTH}`,
          DEPTHS.length + i,
          total,
          { ...base, hidden: new Array(FIX_DEPTH).fill(WIDTH), activation: f.activation, init: f.init },
          { probeEvery, probeBatch: 128 },
        ),
      );
    }
    const at = (d: number) => byDepth[DEPTHS.indexOf(d)];
    const acc = (r: ProbedRun) => r.record.final.testAccuracy;
    const checks = vanishingChecks({
      gradRatio: { depth5: gradRatio(at(5)), depth8: gradRatio(at(8)) },
      layerFactor: { depth5: perLayerFactor(at(5)), depth8: perLayerFactor(at(8)) },
      accuracy: { depth2: acc(at(2)), depth8: acc(at(8)) },
      fixAccuracy: fixes.map(acc),
    });
    const charts = buildCharts(byDepth, fixes, at);
    const deepest = DEPTHS.filter((d) => acc(at(d)) > LEARN).pop();
    return {
      verdict: verdict(
        checks,
        `At step 0 the first layer's gradient is ${fmt(gradRatio(at(5)))} x the output layer's at depth 5 and ${fmt(gradRatio(at(8)))} x at depth 8 ` +
          `(per-layer gradient factor ${fmt(perLayerFactor(at(8)), 3)}, bound ${fmt(BOUND, 3)}); sigmoid accuracy ${pct(acc(at(2)))} at depth 2, ${pct(acc(at(8)))} at depth 8; ` +
          `fixes at depth 8: ${fixes.map((f) => pct(acc(f))).join(", ")}.`,
      ),
      numbers: [
        { label: "deepest sigmoid net that learns (> 50%)", value: deepest ?? "none" },
        { label: "||dW1||/||dWout||, depth 5", value: gradRatio(at(5)) },
        { label: "||dW1||/||dWout||, depth 8", value: gradRatio(at(8)) },
        ...fixes.map((f) => ({ label: `accuracy, ${f.label}`, value: pct(acc(f)) })),
      ],
      charts,
      tables: [
        {
          id: "depth",
          title: "Sigmoid, N(0, 0.05^2): gradient ratio at step 0 and accuracy vs depth",
          columns: [
            "hidden layers",
            "||dL/dW_1|| / ||dL/dW_out||",
            "per-layer gradient factor",
            "bound",
            "test accuracy",
            "final train loss",
          ],
          rows: byDepth.map((r, i) => [
            DEPTHS[i],
            gradRatio(r),
            perLayerFactor(r),
            BOUND,
            acc(r),
            r.record.final.trainLoss,
          ]),
        },
        finalTable("final", "Final numbers of every run", [...byDepth, ...fixes]),
      ],
      series: [lossSeries("loss", [...byDepth, ...fixes]), probeSeries("probes", [...byDepth, ...fixes])],
      configurations: [...byDepth, ...fixes].map(runConfiguration),
      notes: [
        `Why the bound: dL/dz_l = sigma'(z_l) * (W_{l+1}^T dL/dz_{l+1}); with iid weights of variance ${STD}^2 and ${WIDTH} units, Var(W^T g) = ${WIDTH} * ${STD}^2 * Var(g) and sigma' <= 1/4, so the std shrinks by at most sqrt(${WIDTH} * ${STD}^2) / 4 = ${fmt(BOUND)} per layer (less, since E[sigma'^2] < 1/16 away from z = 0).`,
        "The theory curves are the backward variance recursion of src/theory (Glorot & Bengio 2010, eq. 8-9), anchored at the measured Var(dL/dz) of the output layer.",
      ],
    };
  },
};

/** [min, max] of the positive finite values, for one color scale over several heatmaps. */
function sharedRange(values: number[]): [number, number] | undefined {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  return v.length ? [Math.min(...v), Math.max(...v)] : undefined;
}

function buildCharts(byDepth: ProbedRun[], fixes: ProbedRun[], at: (d: number) => ProbedRun): ChartSpec[] {
  const highlighted = HIGHLIGHT.map(at);
  const theory: LineSeries[] = highlighted.map((r) => ({
    name: `${r.label}: theory`,
    group: r.label,
    role: "theory",
    points: r.probes[0].layers.map(
      (l, i) => [i + 1, l.predicted?.gradVar ?? null] as [number, number | null],
    ),
  }));
  const measured: LineSeries[] = highlighted.map((r) => ({
    name: `${r.label}: measured`,
    group: r.label,
    points: r.probes[0].layers.map((l, i) => [i + 1, finiteOrNull(l.grad.var)] as [number, number | null]),
  }));
  const fixDepth = at(FIX_DEPTH);
  const heat = [fixDepth, ...fixes];
  const range = sharedRange(
    heat.flatMap((r) => r.probes.flatMap((p) => p.layers.map((l) => l.weightGradNorm))),
  );
  return [
    {
      kind: "line",
      id: "grad-var-theory",
      title: "Var(dL/dz) per layer at step 0, depths 5 and 8: measured and theory",
      caption:
        "Read from the output (right) to the input (left): every sigmoid layer divides the gradient's variance by about 60.",
      x: { label: "layer (1 = first hidden, last = output)" },
      y: { label: "Var(dL/dz)", log: true },
      series: [...measured, ...theory],
    },
    layerLineChart(
      "grad-norm-step0",
      "||dL/dW|| per layer at step 0, every depth",
      byDepth,
      METRICS.weightGradNorm,
      "||dL/dW||",
      {
        log: true,
        caption:
          "Each line is one depth; the first layers of deep sigmoid networks get gradients many decades smaller than the output layer.",
      },
    ),
    {
      kind: "line",
      id: "accuracy-vs-depth",
      title: "Test accuracy vs depth (sigmoid, N(0, 0.05^2)) and the fixes at depth 8",
      x: { label: "hidden layers" },
      y: { label: "test accuracy", min: 0, max: 1 },
      series: [
        {
          name: "sigmoid, N(0, 0.05^2)",
          points: byDepth.map((r, i) => [DEPTHS[i], r.record.final.testAccuracy]),
        },
        ...fixes.map((f) => ({
          name: f.label,
          points: [[FIX_DEPTH, f.record.final.testAccuracy]] as [number, number][],
        })),
      ],
      markLines: [{ axis: "y", value: 0.1, label: "chance" }],
    },
    {
      kind: "line",
      id: "grad-ratio-vs-depth",
      title: "||dL/dW_1|| / ||dL/dW_out|| at step 0 vs depth",
      caption: "A straight line on a log scale: the decay is geometric in the depth.",
      x: { label: "hidden layers" },
      y: { label: "ratio", log: true },
      series: [
        {
          name: "sigmoid, N(0, 0.05^2)",
          points: byDepth.map((r, i) => [DEPTHS[i], finiteOrNull(gradRatio(r))]),
        },
        ...fixes.map((f) => ({
          name: f.label,
          points: [[FIX_DEPTH, finiteOrNull(gradRatio(f))]] as [number, number | null][],
        })),
      ],
    },
    ...heat.map((r, i) =>
      layerStepHeatmap(
        `heatmap-${i === 0 ? "sigmoid" : `fix-${i}`}`,
        `||dL/dW|| over layers and steps: ${r.label}`,
        r,
        METRICS.weightGradNorm,
        "||dL/dW||",
        {
          log: true,
          range,
          caption:
            i === 0
              ? "Layer x step, one color scale for the four heatmaps: the early sigmoid layers stay dark (gradients 10^6 times smaller than the output layer's) for the whole run."
              : undefined,
        },
      ),
    ),
    lossCurveChart(
      "loss-highlighted",
      "Training loss: sigmoid at depths 2, 5, 8 and the fixes at depth 8",
      [at(2), ...highlighted, ...fixes],
      {},
    ),
  ];
}
