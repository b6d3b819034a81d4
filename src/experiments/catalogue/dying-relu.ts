/**
 * Experiment 4, "dying-relu": a high learning rate or a negative bias puts ReLU units on their
 * flat side for every input; such a unit gets no gradient (relu'(z) = 0 for z <= 0) and, says
 * the notes, never recovers. Leaky ReLU (fixed slope 0.01) and PReLU (learned slope, He et al.
 * 2015) always pass a gradient, so their units stay alive; PReLU's learned slopes are recorded.
 *
 * Two words kept apart: a unit is *inactive* when z <= 0 for every example of a large probe
 * batch, and *dead* when moreover its slope there is 0 (ReLU), so it gets no gradient from any of
 * those examples. A leaky or PReLU unit cannot be dead by definition: the test for those is
 * whether they end less often inactive than ReLU units end dead, and whether PReLU's slopes stay
 * away from 0. Whether dead ReLU units recover is measured, not assumed.
 */
import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { finiteOrNull } from "../../report/chart-spec.js";
import { pct } from "../../report/format.js";
import {
  finalTable,
  layerStepHeatmap,
  lossCurveChart,
  lossSeries,
  METRICS,
  probeSeries,
} from "../harness/run-charts.js";
import { mnistSize, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

const HIDDEN = [128, 128, 128, 128];
const ACTIVATIONS = [
  { name: "ReLU", spec: "relu" },
  { name: "leaky ReLU 0.01", spec: "leaky_relu(0.01)" },
  { name: "PReLU", spec: "prelu" },
];
const SCENARIOS = [
  {
    key: "high-lr",
    name: "Adam lr 0.03",
    settings: { optimizer: "adam" as const, lr: 0.03, biasInit: "zeros" },
  },
  {
    key: "neg-bias",
    name: "bias -1",
    settings: { optimizer: "sgd" as const, lr: 0.05, momentum: 0.9, biasInit: "constant(-1)" },
  },
];
const DIE = 0.3;
/** Probe batch: "dead" means zero gradient for every one of these examples. */
const PROBE_BATCH = 1024;

/** The numbers the verdict is made of (one seed). */
export interface DyingMeasures {
  /** Worst hidden layer's ReLU dead fraction, Adam lr 0.03, at step 0 and at the end. */
  reluDeadStartHighLr: number;
  reluDeadEndHighLr: number;
  /** Worst hidden layer's ReLU dead fraction at step 0, bias -1 (same weights as bias 0). */
  reluDeadStartNegBias: number;
  /** Mean over hidden layers of the ReLU dead fraction, bias -1, at step 0 and at the end. */
  reluMeanDeadStartNegBias: number;
  reluMeanDeadEndNegBias: number;
  /** Worst hidden layer's inactive fraction at the end, per scenario and activation. */
  inactiveEnd: { highLr: { leaky: number; prelu: number }; negBias: { leaky: number; prelu: number } };
  /** Worst hidden layer's ReLU dead fraction at the end, bias -1. */
  reluDeadEndNegBias: number;
  /** Test accuracies with bias -1. */
  accReluNegBias: number;
  accPreluNegBias: number;
}

/** The verdict's checks (each can fail: see test/experiments/dying-relu.test.ts). */
export function dyingChecks(m: DyingMeasures) {
  return [
    check(
      "high lr: ReLU dead fraction at step 0 (max over hidden layers)",
      m.reluDeadStartHighLr,
      "<=",
      0.05,
    ),
    check("high lr: ReLU dead fraction at the end (max over hidden layers)", m.reluDeadEndHighLr, ">=", DIE),
    check(
      "dead fraction at step 0 (worst hidden layer), bias -1 over bias 0 (same weights)",
      m.reluDeadStartNegBias / m.reluDeadStartHighLr,
      ">=",
      5,
      { scale: "log" },
    ),
    check(
      "high lr: ReLU dead minus leaky ReLU inactive fraction at the end (worst layers)",
      m.reluDeadEndHighLr - m.inactiveEnd.highLr.leaky,
      ">",
      0,
    ),
    check(
      "high lr: ReLU dead minus PReLU inactive fraction at the end (worst layers)",
      m.reluDeadEndHighLr - m.inactiveEnd.highLr.prelu,
      ">",
      0,
    ),
    check(
      "bias -1: ReLU dead minus leaky ReLU inactive fraction at the end (worst layers)",
      m.reluDeadEndNegBias - m.inactiveEnd.negBias.leaky,
      ">",
      0,
    ),
    check(
      "bias -1: ReLU dead minus PReLU inactive fraction at the end (worst layers)",
      m.reluDeadEndNegBias - m.inactiveEnd.negBias.prelu,
      ">",
      0,
    ),
    check(
      "bias -1: ReLU units never recover: mean dead fraction at the end minus at step 0",
      m.reluMeanDeadEndNegBias - m.reluMeanDeadStartNegBias,
      ">=",
      0,
    ),
    check("bias -1: PReLU minus ReLU test accuracy", m.accPreluNegBias - m.accReluNegBias, ">", 0),
  ];
}

/** Mean over the hidden layers of the dead fraction of a probe. */
function meanDead(r: ProbedRun, which: "first" | "last"): number {
  const p = which === "first" ? r.probes[0] : r.probes[r.probes.length - 1];
  const h = p.layers.slice(0, -1);
  return h.reduce((a, l) => a + (l.deadFraction ?? 0), 0) / h.length;
}

/** Mean PReLU slope over the hidden layers at the end. */
function meanSlope(r: ProbedRun): number | null {
  const h = r.probes[r.probes.length - 1].layers.slice(0, -1).filter((l) => l.slopes);
  return h.length ? h.reduce((a, l) => a + l.slopes!.mean, 0) / h.length : null;
}

/** Largest dead fraction over the hidden layers of a probe (0 for activations that cannot die). */
function maxDead(r: ProbedRun, which: "first" | "last"): number {
  const p = which === "first" ? r.probes[0] : r.probes[r.probes.length - 1];
  return Math.max(...p.layers.slice(0, -1).map((l) => l.deadFraction ?? 0));
}

function maxInactive(r: ProbedRun, which: "first" | "last"): number {
  const p = which === "first" ? r.probes[0] : r.probes[r.probes.length - 1];
  return Math.max(...p.layers.slice(0, -1).map((l) => l.inactiveFraction ?? 0));
}

export const dyingReluExperiment: Experiment = {
  name: "dying-relu",
  order: 4,
  title: "Dying ReLU units, and how leaky ReLU and PReLU keep them alive",
  claim:
    "A high learning rate and/or a negative bias makes ReLU units die: they output 0 for every input, get no gradient and never recover. PReLU (a ReLU with a learnable negative slope) and leaky ReLU keep a gradient flowing, so their units stay alive; PReLU learns its slopes per layer.",
  source:
    "The study notes, experimental result 5; He et al. 2015, arXiv:1502.01852 (PReLU); Maas, Hannun & Ng 2013 (leaky ReLU).",
  method: `784-128-128-128-128-10 on standardized MNIST, He normal weights, batch 64, two scenarios x three activations (ReLU, leaky ReLU 0.01, PReLU with one slope per unit starting at 0.25): (a) a high learning rate, Adam lr 0.03, zero biases; (b) a negative bias, every bias -1 at init, SGD lr 0.05 momentum 0.9. A unit is inactive on the probe batch (${PROBE_BATCH} fixed training images, the trainer's probe every ${50} steps at quick size) when z <= 0 for every image, and dead when moreover its negative slope is 0 (ReLU: zero gradient for every image of the batch). Leaky ReLU and PReLU units cannot be dead by this definition, so they are compared by their inactive fraction.`,
  rule: `Each over seeds (95% t interval of the per-seed value; comparisons paired on the same seeds): (1) High learning rate: ReLU starts with at most 5% dead units in every hidden layer and ends with at least ${pct(DIE)} in some hidden layer. (2) Negative bias: at step 0, the worst hidden layer's dead fraction with bias -1 is at least 5 times the one with bias 0 (the two ReLU runs share their weights; geometric mean over seeds). (3) In both scenarios, leaky ReLU and PReLU end with a smaller inactive fraction (worst layer) than ReLU's dead fraction (worst layer): "they keep their units alive". (4) The notes' "never recover": with bias -1, the mean dead fraction of the ReLU network at the end is not below the one at step 0. (5) With bias -1, PReLU reaches a higher test accuracy than ReLU.`,
  sizes: {
    quick: "10,000 training / 2,000 test images, 300 steps per run, 6 runs",
    full: "60,000 / 10,000 images, 2 epochs per run, 6 runs",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const size = mnistSize(ctx.quick, 300, 2);
    const runs: Record<string, ProbedRun[]> = {};
    const total = SCENARIOS.length * ACTIVATIONS.length;
    let i = 0;
    for (const s of SCENARIOS) {
      runs[s.key] = [];
      for (const a of ACTIVATIONS) {
        runs[s.key].push(
          await trainRun(
            ctx,
            `${a.name}, ${s.name}`,
            i++,
            total,
            {
              data: "mnist",
              preprocess: "standardize",
              hidden: HIDDEN,
              activation: a.spec,
              init: "he_normal",
              batchSize: 64,
              seed: ctx.seed,
              ...size,
              ...s.settings,
            },
            { probeEvery: ctx.quick ? 50 : 200, probeBatch: PROBE_BATCH },
          ),
        );
      }
    }
    const [reluHi, leakyHi, preluHi] = runs["high-lr"];
    const [reluNb, leakyNb, preluNb] = runs["neg-bias"];
    const all = [...runs["high-lr"], ...runs["neg-bias"]];
    const acc = (r: ProbedRun) => r.record.final.testAccuracy;
    const checks = dyingChecks({
      reluDeadStartHighLr: maxDead(reluHi, "first"),
      reluDeadEndHighLr: maxDead(reluHi, "last"),
      reluDeadStartNegBias: maxDead(reluNb, "first"),
      reluMeanDeadStartNegBias: meanDead(reluNb, "first"),
      reluMeanDeadEndNegBias: meanDead(reluNb, "last"),
      inactiveEnd: {
        highLr: { leaky: maxInactive(leakyHi, "last"), prelu: maxInactive(preluHi, "last") },
        negBias: { leaky: maxInactive(leakyNb, "last"), prelu: maxInactive(preluNb, "last") },
      },
      reluDeadEndNegBias: maxDead(reluNb, "last"),
      accReluNegBias: acc(reluNb),
      accPreluNegBias: acc(preluNb),
    });
    const charts = buildCharts(all, runs);
    return {
      verdict: verdict(
        checks,
        `Adam lr 0.03: ReLU dead units rise from ${pct(maxDead(reluHi, "first"))} to ${pct(maxDead(reluHi, "last"))} (worst layer); bias -1: ${pct(maxDead(reluNb, "first"))} dead at step 0, ${pct(maxDead(reluNb, "last"))} at the end. ` +
          `Inactive at the end (worst layer), Adam lr 0.03: leaky ${pct(maxInactive(leakyHi, "last"))}, PReLU ${pct(maxInactive(preluHi, "last"))}; PReLU with bias -1 reaches ${pct(acc(preluNb))} vs ReLU ${pct(acc(reluNb))} (leaky ${pct(acc(leakyNb))}).`,
      ),
      numbers: [
        { label: "ReLU dead at end (worst layer), Adam lr 0.03", value: maxDead(reluHi, "last") },
        {
          label: "leaky ReLU inactive at end (worst layer), Adam lr 0.03",
          value: maxInactive(leakyHi, "last"),
        },
        { label: "ReLU dead at step 0 (mean over layers), bias -1", value: meanDead(reluNb, "first") },
        { label: "ReLU dead at end (mean over layers), bias -1", value: meanDead(reluNb, "last") },
        { label: "PReLU inactive at end (worst layer), bias -1", value: maxInactive(preluNb, "last") },
        { label: "PReLU mean learned slope at end, Adam lr 0.03", value: meanSlope(preluHi) },
        { label: "PReLU mean learned slope at end, bias -1", value: meanSlope(preluNb) },
        ...all.map((r) => ({ label: `accuracy, ${r.label}`, value: acc(r) })),
      ],
      charts,
      tables: [
        finalTable("final", "Final numbers", all),
        {
          id: "units",
          title: "Dead and inactive units per hidden layer, at step 0 and at the end",
          columns: [
            "run",
            "layer",
            "dead at step 0",
            "dead at end",
            "inactive at step 0",
            "inactive at end",
            "PReLU slope mean at end",
          ],
          rows: all.flatMap((r) => {
            const a = r.probes[0].layers;
            const b = r.probes[r.probes.length - 1].layers;
            return a
              .slice(0, -1)
              .map((l, k) => [
                r.label,
                k + 1,
                l.deadFraction,
                b[k].deadFraction,
                l.inactiveFraction,
                b[k].inactiveFraction,
                b[k].slopes ? b[k].slopes!.mean : null,
              ]);
          }),
        },
      ],
      series: [lossSeries("loss", all), probeSeries("probes", all)],
      configurations: all.map(runConfiguration),
      notes: [
        acc(reluHi) >= Math.max(acc(leakyHi), acc(preluHi))
          ? `With the high learning rate the ReLU network still reached ${pct(acc(reluHi))} (leaky ${pct(acc(leakyHi))}, PReLU ${pct(acc(preluHi))}): the units that survived were enough for this task, so dying cost no accuracy here; the claim is about the units, and the accuracy check is made only in the negative-bias scenario, where units start dead.`
          : `With the high learning rate: ReLU ${pct(acc(reluHi))}, leaky ${pct(acc(leakyHi))}, PReLU ${pct(acc(preluHi))} test accuracy.`,
        "Leaky ReLU and PReLU units can sit on their negative side for every input too ('inactive'); they are not dead because their slope passes a gradient (0.01 x the upstream gradient for leaky ReLU, a x it for PReLU), so the weights keep moving and the unit can come back. 'No dead leaky/PReLU unit' is true by definition and is not a check; the checks compare their inactive fraction with ReLU's dead fraction.",
        `What the notes get right and wrong, on seed ${ctx.seed}: a high rate and a negative bias do kill ReLU units (${pct(maxDead(reluHi, "last"))} dead in the worst layer after Adam lr 0.03; ${pct(maxDead(reluNb, "first"))} at step 0 with bias -1). But dead units ${meanDead(reluNb, "last") < meanDead(reluNb, "first") ? `do recover: with bias -1 the mean dead fraction goes from ${pct(meanDead(reluNb, "first"))} at step 0 to ${pct(meanDead(reluNb, "last"))} at the end, because the layers below a dead unit keep learning and move its input` : `did not recover here: with bias -1 the mean dead fraction goes from ${pct(meanDead(reluNb, "first"))} to ${pct(meanDead(reluNb, "last"))}`}; leaky ReLU ends with ${pct(maxInactive(leakyHi, "last"))} inactive units in its worst layer after Adam lr 0.03 (ReLU: ${pct(maxDead(reluHi, "last"))} dead), and PReLU's learned slopes end at a mean of ${meanSlope(preluHi)?.toFixed(3) ?? "-"} (high rate) and ${meanSlope(preluNb)?.toFixed(3) ?? "-"} (bias -1), from 0.25: a slope near 0 makes a PReLU unit nearly a ReLU unit.`,
        "A dead ReLU unit can come back when the layers below it change its input; the 'dead' count is measured on the fixed probe batch at each probe.",
      ],
    };
  },
};

function buildCharts(all: ProbedRun[], runs: Record<string, ProbedRun[]>): ChartSpec[] {
  const overTime = (key: string, title: string, id: string): ChartSpec => ({
    kind: "line",
    id,
    title,
    caption:
      "Mean over the hidden layers of the fraction of units that are dead (ReLU) or inactive (leaky ReLU, PReLU: z <= 0 on every probe image but still passing a gradient).",
    x: { label: "step" },
    y: { label: "fraction of units", min: 0, max: 1 },
    series: runs[key].flatMap((r): LineSeries[] => {
      const mean = (f: (l: (typeof r.probes)[number]["layers"][number]) => number | null) =>
        r.probes.map((p) => {
          const h = p.layers.slice(0, -1);
          return [p.step, finiteOrNull(h.reduce((s, l) => s + (f(l) ?? 0), 0) / h.length)] as [
            number,
            number | null,
          ];
        });
      return r.label.startsWith("ReLU")
        ? [{ name: `${r.label}: dead`, group: r.label, points: mean((l) => l.deadFraction) }]
        : [
            { name: `${r.label}: dead`, group: r.label, points: mean((l) => l.deadFraction) },
            {
              name: `${r.label}: inactive`,
              group: r.label,
              role: "theory",
              points: mean((l) => l.inactiveFraction),
            },
          ];
    }),
  });
  const prelu = all.filter((r) => r.label.startsWith("PReLU"));
  const slopes: ChartSpec = {
    kind: "line",
    id: "prelu-slopes",
    title: "PReLU: learned negative slope per hidden layer (mean over units) during training",
    caption: "Every slope starts at 0.25 (He et al. 2015); the network moves them layer by layer.",
    x: { label: "step" },
    y: { label: "mean slope a" },
    series: prelu.flatMap((r) =>
      r.probes[0].layers.slice(0, -1).map((_, k) => ({
        name: `${r.label}, layer ${k + 1}`,
        points: r.probes.map(
          (p) => [p.step, p.layers[k].slopes ? p.layers[k].slopes!.mean : null] as [number, number | null],
        ),
      })),
    ),
  };
  return [
    overTime("high-lr", "Dead units over training: high learning rate (Adam lr 0.03)", "dead-high-lr"),
    overTime("neg-bias", "Dead units over training: negative bias (-1)", "dead-neg-bias"),
    ...runs["high-lr"].map((r, i) =>
      layerStepHeatmap(
        `inactive-heatmap-high-lr-${i + 1}`,
        `Inactive units (z <= 0 on every probe image), layer x step: ${r.label}`,
        r,
        METRICS.inactiveFraction,
        "inactive fraction",
        { range: [0, 1], hiddenOnly: true },
      ),
    ),
    slopes,
    lossCurveChart("loss", "Training loss of the six runs", all, { logY: true }),
  ];
}
