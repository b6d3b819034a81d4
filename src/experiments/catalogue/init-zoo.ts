/**
 * Experiment 7, "init-zoo": every initializer of src/init x {tanh, relu, sigmoid} on a network with
 * six hidden layers, trained on MNIST: training curves and a final table. The notes' objective:
 * the initialization decides whether a deep network learns at all.
 */
import { listInitializers } from "../../init/index.js";
import type { ChartSpec } from "../../report/chart-spec.js";
import { finiteOrNull } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import type { Check } from "../../report/report-types.js";
import { lossSeries } from "../harness/run-charts.js";
import { type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

const ACTIVATIONS = ["tanh", "relu", "sigmoid"];
/** Arguments for initializers that have no default for them; bias-only initializers are left out. */
const REQUIRED: Record<string, string> = { constant: "constant(value=0.1)", sparse: "sparse(sparsity=0.9)" };
const SKIP = new Set(["torch_default_bias"]);
/** The variance-preserving initializer the notes pair with each activation. */
const MATCHED: Record<string, string> = {
  tanh: "xavier_normal",
  relu: "kaiming_normal",
  sigmoid: "xavier_sigmoid_normal",
};
const SYMMETRIC = ["zeros", "ones", "constant(value=0.1)"];
const LEARN = 0.5;
const FAIL = 0.3;

/** Every initializer spec, with default arguments (or the REQUIRED ones), in registry order. */
export function zooInits(): string[] {
  return listInitializers()
    .filter((i) => !SKIP.has(i.name))
    .map((i) => REQUIRED[i.name] ?? i.name);
}

/** Same variance, another distribution: kaiming_normal and kaiming_uniform must not differ by more than this (accuracy). */
const EQUIVALENT = 0.05;

/** What one seed measures. */
export interface ZooMeasures {
  /** The best test accuracy of zeros / ones / constant(0.1) with any activation. */
  worstSymmetric: number;
  /** Test accuracy of each activation with its matched initializer. */
  matched: Record<string, number>;
  /** relu: kaiming_normal minus kaiming_uniform test accuracy (the same variance 2 / fan_in). */
  heNormalMinusUniform: number;
}

/**
 * The verdict's checks from one seed's measures. The last two are an equivalence test (two
 * one-sided tests, Schuirmann 1987): the paired difference kaiming_normal - kaiming_uniform over
 * seeds must lie inside (-5, +5) points: both pass only when the whole 95% interval is inside; one
 * fails when the whole interval is beyond a margin (distinguishable); otherwise undecided.
 */
export function zooChecks(m: ZooMeasures): Check[] {
  return [
    check("best accuracy of zeros / ones / constant(0.1), any activation", m.worstSymmetric, "<", FAIL),
    ...ACTIVATIONS.map((a) => check(`${a} + ${MATCHED[a]}: test accuracy`, m.matched[a] ?? null, ">", LEARN)),
    check(
      "relu: kaiming_normal minus kaiming_uniform test accuracy (same variance), above -5 points",
      m.heNormalMinusUniform,
      ">",
      -EQUIVALENT,
    ),
    check(
      "relu: kaiming_normal minus kaiming_uniform test accuracy (same variance), below +5 points",
      m.heNormalMinusUniform,
      "<",
      EQUIVALENT,
    ),
  ];
}

export const initZooExperiment: Experiment = {
  name: "init-zoo",
  order: 7,
  title: "Every initializer x tanh, ReLU, sigmoid on a six-hidden-layer network",
  claim:
    "The weight initialization decides whether a deep network learns at all: constant initializations (zeros, ones, any constant) never break the symmetry between units and do not learn, while the variance-preserving initializer matched to the activation (Xavier for tanh, He for ReLU, the 4x Xavier variant for sigmoid) learns.",
  source:
    "The study notes, 'Objective' and the Xavier / He sections; Glorot & Bengio 2010; He et al. 2015, arXiv:1502.01852; Saxe et al. 2014, arXiv:1312.6120 (orthogonal).",
  method:
    "784-6x64-10 (quick) or 784-6x256-10 (full) on standardized MNIST, zero biases, SGD lr 0.05 momentum 0.9, batch 64; one run per initializer (every one of src/init with its default arguments; constant with value 0.1, sparse with sparsity 0.9; the bias-only torch_default_bias left out) and activation.",
  rule: `(1) zeros, ones and constant(0.1) do not learn with any of the three activations (test accuracy < ${pct(FAIL)} or divergence). (2) The matched pairs learn (> ${pct(LEARN)}): tanh + xavier_normal, relu + kaiming_normal, sigmoid + xavier_sigmoid_normal. (3) Two initializers of the same variance are not distinguishable: with ReLU, kaiming_normal minus kaiming_uniform test accuracy lies within +-${100 * EQUIVALENT} points (an equivalence test: the paired 95% interval over seeds inside (-${100 * EQUIVALENT}, +${100 * EQUIVALENT}) points). Each check is a mean over seeds with its 95% t interval. Reported, not part of the verdict: how far each matched initializer is from the best one (see the notes).`,
  sizes: {
    quick: "width 64, 5,000 training / 1,000 test images, 200 steps per run",
    full: "width 256, 60,000 / 10,000 images, 1 epoch per run",
  },
  // Seeds for 95% power on the check nearest its threshold (pilot seeds; scripts/seed-power.ts).
  seedCounts: { quick: 23, full: 5 },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const inits = zooInits();
    const width = ctx.quick ? 64 : 256;
    const size = ctx.quick
      ? { trainLimit: 5000, testLimit: 1000, maxSteps: 200, epochs: 100 }
      : { trainLimit: null, testLimit: null, maxSteps: null, epochs: 1 };
    const runs = new Map<string, ProbedRun>();
    const total = inits.length * ACTIVATIONS.length;
    let i = 0;
    for (const act of ACTIVATIONS) {
      for (const init of inits) {
        runs.set(
          `${act}|${init}`,
          await trainRun(
            ctx,
            `${act}, ${init}`,
            i++,
            total,
            {
              data: "mnist",
              preprocess: "standardize",
              hidden: new Array(6).fill(width),
              activation: act,
              init,
              optimizer: "sgd",
              lr: 0.05,
              momentum: 0.9,
              batchSize: 64,
              seed: ctx.seed,
              lossEvery: 5,
              ...size,
            },
            { probeEvery: null },
          ),
        );
      }
    }
    const get = (act: string, init: string) => runs.get(`${act}|${init}`)!;
    const acc = (r: ProbedRun) => (r.record.final.diverged ? 0 : r.record.final.testAccuracy);
    const symmetric = SYMMETRIC.flatMap((s) => ACTIVATIONS.map((a) => get(a, s)));
    const worstSymmetric = Math.max(...symmetric.map(acc));
    const heNormalMinusUniform = acc(get("relu", "kaiming_normal")) - acc(get("relu", "kaiming_uniform"));
    const checks = zooChecks({
      worstSymmetric,
      matched: Object.fromEntries(ACTIVATIONS.map((a) => [a, acc(get(a, MATCHED[a]))])),
      heNormalMinusUniform,
    });
    const gap = (a: string) => Math.max(...inits.map((s) => acc(get(a, s)))) - acc(get(a, MATCHED[a]));
    const charts: ChartSpec[] = [
      {
        kind: "bar",
        id: "final-accuracy",
        title: "Test accuracy after training, every initializer x activation",
        caption: "A diverged run counts as 0. Chance is 10%.",
        categories: inits,
        xLabel: "initializer",
        y: { label: "test accuracy", min: 0, max: 1 },
        series: ACTIVATIONS.map((a) => ({ name: a, values: inits.map((s) => acc(get(a, s))) })),
        markLines: [{ axis: "y", value: 0.1, label: "chance" }],
        width: 1000,
        height: 460,
      },
      ...ACTIVATIONS.map(
        (a): ChartSpec => ({
          kind: "line",
          id: `loss-${a}`,
          title: `${a}: training loss of every initializer`,
          caption:
            "Flat lines at ln 10 = 2.30 are networks that do not learn; lines that stop are divergences.",
          x: { label: "step" },
          y: { label: "training loss (batch)", log: true, max: 100 },
          series: inits.map((s) => ({
            name: s,
            markers: false,
            points: get(a, s).record.lossCurve.map(
              (p) => [p.step, finiteOrNull(p.loss)] as [number, number | null],
            ),
          })),
          width: 1000,
          height: 520,
        }),
      ),
    ];
    const table = {
      id: "final",
      title: "Final test accuracy (and divergence) per initializer and activation",
      columns: ["initializer", ...ACTIVATIONS.flatMap((a) => [`${a} accuracy`, `${a} diverged at`])],
      rows: inits.map((s) => [
        s,
        ...ACTIVATIONS.flatMap((a) => [
          get(a, s).record.final.testAccuracy,
          get(a, s).record.final.divergedAtStep,
        ]),
      ]),
    };
    const bestOf = (a: string) => inits.reduce((b, s) => (acc(get(a, s)) > acc(get(a, b)) ? s : b), inits[0]);
    return {
      verdict: verdict(
        checks,
        `Constant initializations reach at most ${pct(worstSymmetric)}; matched pairs: ${ACTIVATIONS.map((a) => `${a} + ${MATCHED[a]} ${pct(acc(get(a, MATCHED[a])))}`).join(", ")}; ` +
          `best per activation: ${ACTIVATIONS.map((a) => `${a} ${bestOf(a)} ${pct(acc(get(a, bestOf(a))))}`).join(", ")}.`,
      ),
      numbers: [
        { label: "runs", value: runs.size },
        ...ACTIVATIONS.map((a) => ({
          label: `best for ${a}`,
          value: `${bestOf(a)} ${pct(acc(get(a, bestOf(a))))}`,
        })),
        {
          label: "learning runs (> 50%)",
          value: `${[...runs.values()].filter((r) => acc(r) > LEARN).length}/${runs.size}`,
        },
        ...ACTIVATIONS.map((a) => ({
          label: `${a}: best minus ${MATCHED[a]}`,
          value: `${fmt(100 * gap(a), 3)} points`,
        })),
      ],
      charts,
      tables: [table],
      series: [lossSeries("loss", [...runs.values()])],
      configurations: [...runs.values()].map(runConfiguration),
      notes: [
        `Accuracy ${fmt(LEARN)} ("learns") is five times chance; ${fmt(FAIL)} ("does not learn") three times chance.`,
        `Is the matched initializer also the best? Gap to the best initializer: ${ACTIVATIONS.map((a) => `${a} ${fmt(100 * gap(a), 3)} points`).join(", ")}. ` +
          "A first draft of the rule required a gap of at most 5 points; with ReLU at the quick size and seed 1, He normal ended 8.4 points below Xavier normal (2.7 and 3.3 points at seeds 2 and 3), so at six layers the data do not support 'He is best for ReLU'; single runs differ by a few points from seed to seed, and He's advantage is a matter of depth (experiment he2015-depth). The gap is reported, not judged.",
        "zeros: every hidden unit computes the same function and gets the same gradient (with tanh and ReLU the gradient of the hidden weights is exactly 0), so no symmetry is ever broken.",
      ],
    };
  },
};
