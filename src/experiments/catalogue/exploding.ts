/**
 * Experiment 3, "exploding": large initial weights with a large learning rate. The per-layer
 * gradient grows toward the input (each ReLU layer multiplies its variance by
 * n Var(w) / 2 > 1), the first steps overshoot and the loss becomes NaN within a few steps. The
 * fixes: a variance-preserving init (Xavier, He), a smaller rate, clipping by global norm.
 */
import type { ChartSpec } from "../../report/chart-spec.js";
import { finiteOrNull } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import {
  finalTable,
  layerLineChart,
  lossCurveChart,
  lossSeries,
  METRICS,
  probeSeries,
} from "../harness/run-charts.js";
import { mnistSize, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Check, Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, checkFact, verdict } from "../harness/verdict.js";

const WIDTH = 128;
const DEPTH = 6;
const STD = 0.2;
const LR = 0.05;
const LEARN = 0.5;
/** The variance factor per hidden ReLU layer of the backward pass: n Var(w) E[relu'^2] = n std^2 / 2. */
const FACTOR = (WIDTH * STD * STD) / 2;

const PLAN = [
  { label: `N(0, ${STD}^2), lr ${LR}`, init: `normal(std=${STD})`, lr: LR, clipNorm: null },
  { label: `he_normal, lr ${LR}`, init: "he_normal", lr: LR, clipNorm: null },
  { label: `xavier_normal, lr ${LR}`, init: "xavier_normal", lr: LR, clipNorm: null },
  { label: `N(0, ${STD}^2), lr 0.001`, init: `normal(std=${STD})`, lr: 0.001, clipNorm: null },
  { label: `N(0, ${STD}^2), lr ${LR}, clip 1`, init: `normal(std=${STD})`, lr: LR, clipNorm: 1 },
];

/**
 * Geometric mean of sqrt(Var(dL/dz_l) / Var(dL/dz_l+1)) at step 0 over consecutive hidden layers
 * (the output layer, with 10 units, is left out: its fan-out is not the hidden width).
 */
function perLayerFactor(r: ProbedRun): number {
  const L = r.probes[0].layers;
  let s = 0;
  for (let l = 0; l + 1 < L.length - 1; l++) s += 0.5 * Math.log(L[l].grad.var / L[l + 1].grad.var);
  return Math.exp(s / (L.length - 2));
}

/** What the verdict of one seed is computed from: the exploding run and the fixes. */
export interface ExplodingMeasures {
  /** The large-init, large-rate run (the first of `PLAN`) diverged (NaN/Inf loss or gradient norm). */
  diverged: boolean;
  /** Its step of divergence (null when it did not diverge). */
  divergedAtStep: number | null;
  /** Its test accuracy (shown when it did not diverge). */
  accuracy: number;
  /** Its per-layer factor of the gradient's std toward the input at step 0 (`perLayerFactor`). */
  layerFactor: number;
  /** Its global gradient norm at the last finite step over step 1 (null: fewer than two finite steps). */
  growth: number | null;
  /** Each fix, in the order of `PLAN` after the first: diverged or not, test accuracy. */
  fixes: readonly { diverged: boolean; accuracy: number }[];
}

/**
 * The experiment's checks from one seed's measures, in the rule's order: (1) the exploding run
 * diverges; (2) its step-0 gradient factor toward the input is above 1.2 (theory
 * sqrt(n std^2 / 2)); (3) its gradient norm grows more than 10x before the NaN, judged on every
 * seed; (4) each fix does not diverge and learns.
 */
export function explodingChecks(m: ExplodingMeasures): Check[] {
  const [bad, ...fixes] = PLAN;
  return [
    checkFact(
      `${bad.label} diverges`,
      m.diverged,
      true,
      m.diverged ? `NaN at step ${m.divergedAtStep}` : `test accuracy ${pct(m.accuracy)}`,
    ),
    check("per-layer factor of the gradient's std toward the input, step 0", m.layerFactor, ">", 1.2),
    // Judged seed by seed: the growth runs until the step the run diverges (a stopping time),
    // so its size spans orders of magnitude between seeds and a mean of it claims nothing.
    check("global gradient norm, last finite step / step 1", m.growth, ">", 10, { combine: "every-seed" }),
    ...fixes.flatMap((f, i) => [
      checkFact(`${f.label} does not diverge`, !(m.fixes[i]?.diverged ?? true)),
      check(`test accuracy, ${f.label}`, m.fixes[i]?.accuracy ?? null, ">", LEARN),
    ]),
  ];
}

export const explodingExperiment: Experiment = {
  name: "exploding",
  order: 3,
  title: "Exploding gradients: large initial weights with a large learning rate",
  claim:
    "Large initial weights together with a large learning rate make the derivatives grow out of balance (the opposite of vanishing): the per-layer gradients grow toward the input and training diverges to NaN. A variance-preserving initialization (Xavier, He), a smaller learning rate, or clipping the gradient by its global norm prevents it.",
  source:
    "The study notes, experimental result 4; Glorot & Bengio 2010; He et al. 2015, arXiv:1502.01852; clipping: Pascanu, Mikolov & Bengio 2013, arXiv:1211.5063.",
  method: `ReLU MLP 784-${new Array(DEPTH).fill(WIDTH).join("-")}-10 on standardized MNIST, SGD momentum 0.9, batch 64. The exploding run: weights N(0, ${STD}^2) (He would be N(0, 2/${WIDTH}) = N(0, ${fmt(Math.sqrt(2 / WIDTH), 3)}^2) for the hidden layers), lr ${LR}. Fixes, one change each: He or Xavier weights; lr 0.001; clipping the global gradient norm at 1. Probes on 256 fixed images at every step for the first 10 steps, then every 10 steps.`,
  rule: `(1) The large-init, large-rate run diverges (its loss or gradient norm becomes NaN/Inf). (2) At step 0 its gradient grows toward the input: the per-layer factor of the std of dL/dz (geometric mean over the hidden layers) is above 1.2 (theory: sqrt(${WIDTH} * ${STD}^2 / 2) = ${fmt(Math.sqrt(FACTOR), 3)}). (3) Its global gradient norm grows over the steps before the NaN: the last finite value is more than 10x the first, on every seed (judged seed by seed: the growth runs up to the step of divergence, so its size is not a quantity to average). (4) Every fix runs without divergence and learns (test accuracy > ${pct(LEARN)}).`,
  sizes: {
    quick: "10,000 training / 2,000 test images, 300 steps per run, 5 runs",
    full: "60,000 / 10,000 images, 2 epochs per run, 5 runs",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const size = mnistSize(ctx.quick, 300, 2);
    const runs: ProbedRun[] = [];
    for (const [i, p] of PLAN.entries()) {
      const { label, ...cfg } = p;
      runs.push(
        await trainRun(
          ctx,
          label,
          i,
          PLAN.length,
          {
            data: "mnist",
            preprocess: "standardize",
            hidden: new Array(DEPTH).fill(WIDTH),
            activation: "relu",
            optimizer: "sgd",
            momentum: 0.9,
            batchSize: 64,
            seed: ctx.seed,
            lossEvery: 1,
            ...size,
            ...cfg,
          },
          { probeEvery: i === 0 ? 1 : 10 },
        ),
      );
    }
    const [bad, ...fixes] = runs;
    const curve = bad.record.lossCurve.filter((p) => p.gradNorm !== null);
    const g0 = curve[0]?.gradNorm ?? Number.NaN;
    const gLast = curve[curve.length - 1]?.gradNorm ?? Number.NaN;
    // With a NaN at step 2 there is one finite gradient only: the growth is not measured on this seed.
    const growth = curve.length >= 2 ? gLast / g0 : null;
    const acc = (r: ProbedRun) => r.record.final.testAccuracy;
    const checks = explodingChecks({
      diverged: bad.record.final.diverged,
      divergedAtStep: bad.record.final.divergedAtStep,
      accuracy: acc(bad),
      layerFactor: perLayerFactor(bad),
      growth,
      fixes: fixes.map((f) => ({ diverged: f.record.final.diverged, accuracy: acc(f) })),
    });
    const charts: ChartSpec[] = [
      lossCurveChart("loss-curves", "Training loss: the exploding run and its fixes", runs, {
        logY: true,
        caption:
          "The exploding run's loss jumps by orders of magnitude and ends in a NaN (dotted line) after a few steps.",
      }),
      {
        kind: "line",
        id: "grad-norm-steps",
        title: "Global gradient norm per step (first 30 steps)",
        caption: "Before the NaN, every step of the exploding run makes the next gradient larger.",
        x: { label: "step" },
        y: { label: "||gradient|| (all parameters)", log: true },
        series: runs.map((r) => ({
          name: r.label,
          points: r.record.lossCurve
            .filter((p) => p.step <= 30)
            .map((p) => [p.step, finiteOrNull(p.gradNorm)] as [number, number | null]),
        })),
      },
      layerLineChart(
        "grad-var-step0",
        "Var(dL/dz) per layer at step 0",
        runs.slice(0, 3),
        METRICS.gradVar,
        "Var(dL/dz)",
        {
          log: true,
          caption: `With N(0, ${STD}^2) weights each ReLU layer multiplies the gradient's variance by about ${fmt(FACTOR, 3)} on the way back to the input; with He it stays level, with Xavier it halves.`,
        },
      ),
      {
        kind: "line",
        id: "layer-grad-steps",
        title: `||dL/dW|| per layer over the first steps of ${bad.label}`,
        caption:
          "Each line is one step (probes after every step until the NaN); every step makes the gradients of every layer orders of magnitude larger (steps 3 and 4 hold Inf/NaN and are not drawn).",
        x: { label: "layer (1 = first hidden)" },
        y: { label: "||dL/dW||", log: true },
        series: bad.probes.map((p) => ({
          name: `step ${p.step}`,
          points: p.layers.map((l, i) => [i + 1, finiteOrNull(l.weightGradNorm)] as [number, number | null]),
        })),
      },
      layerLineChart(
        "preact-var-step0",
        "Var(z) per layer at step 0",
        runs.slice(0, 3),
        METRICS.preactVar,
        "Var(z)",
        {
          log: true,
          caption:
            "The forward signal explodes the same way: the logits start huge, so the first softmax gradients are saturated and the first steps enormous.",
        },
      ),
    ];
    return {
      verdict: verdict(
        checks,
        `${bad.label}: ${bad.record.final.diverged ? `NaN at step ${bad.record.final.divergedAtStep}` : "no divergence"}, gradient norm x${fmt(growth, 3)} before it, per-layer gradient factor ${fmt(perLayerFactor(bad), 3)}; ` +
          `fixes: ${fixes.map((f) => `${f.label} ${f.record.final.diverged ? "diverged" : pct(acc(f))}`).join(", ")}.`,
      ),
      numbers: [
        { label: "NaN at step", value: bad.record.final.divergedAtStep },
        { label: "gradient growth before NaN", value: growth, unit: "x" },
        { label: "per-layer gradient factor (step 0)", value: perLayerFactor(bad) },
        ...fixes.map((f) => ({ label: `accuracy, ${f.label}`, value: pct(acc(f)) })),
      ],
      charts,
      tables: [
        finalTable("final", "Final numbers", runs),
        {
          id: "first-steps",
          title: `${bad.label}: loss and gradient norm step by step`,
          columns: ["step", "loss", "global gradient norm"],
          rows: bad.record.lossCurve.slice(0, 20).map((p) => [p.step, p.loss, p.gradNorm]),
        },
      ],
      series: [lossSeries("loss", runs), probeSeries("probes", runs)],
      configurations: runs.map(runConfiguration),
      notes: [
        "Divergence is detected by the trainer: the first step whose batch loss or global gradient norm is NaN or infinite stops the run (that step's update is not applied).",
        "Clipping rescales the whole gradient to norm 1 whenever it is larger (torch.nn.utils.clip_grad_norm_); it bounds every step, so the large initial gradients cannot throw the weights away.",
      ],
    };
  },
};
