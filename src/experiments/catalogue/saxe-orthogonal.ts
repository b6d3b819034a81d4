/**
 * Experiment 10, "saxe-orthogonal": deep LINEAR networks (Saxe, McClelland & Ganguli 2014, "Exact
 * solutions to the nonlinear dynamics of learning in deep linear neural networks",
 * arXiv:1312.6120, Sec. 3-4). With random orthogonal weights the input-output map is an isometry
 * at every depth and the time to learn, at the best learning rate for each depth, is nearly
 * independent of depth; with a scaled Gaussian (Var = 1/n, norm-preserving only on average) the
 * product of the layers' matrices has a spread of singular values that widens with depth
 * (Fuss-Catalan), the usable learning rate shrinks and learning takes longer and longer.
 */
import type { ChartSpec } from "../../report/chart-spec.js";
import { fmt } from "../../report/format.js";
import { lossSeries } from "../harness/run-charts.js";
import { type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

const INITS = [
  { name: "orthogonal", spec: "orthogonal" },
  {
    name: "scaled Gaussian",
    spec: "variance_scaling(scale=1, mode=fan_in, distribution=untruncated_normal)",
  },
];
const CRITERION = 0.06;

/** First step at which the mean of three consecutive recorded batch losses is at or below `criterion`. */
export function stepsToCriterion(r: ProbedRun, criterion: number): number {
  const c = r.record.lossCurve;
  for (let i = 2; i < c.length; i++) {
    const a = c[i].loss;
    const b = c[i - 1].loss;
    const d = c[i - 2].loss;
    if (a !== null && b !== null && d !== null && (a + b + d) / 3 <= criterion) return c[i].step;
  }
  return Number.POSITIVE_INFINITY;
}

export const saxeOrthogonalExperiment: Experiment = {
  name: "saxe-orthogonal",
  order: 10,
  title: "Saxe et al. 2014: orthogonal initialization learns deep linear networks in depth-independent time",
  claim:
    "In deep linear networks, random orthogonal initialization gives a learning time (at the best learning rate) nearly independent of depth; a Gaussian initialization scaled to preserve the norm on average does not: its learning time grows with depth.",
  source:
    "Saxe, McClelland & Ganguli 2014, ICLR, arXiv:1312.6120 (Sec. 3-4 and the MNIST depth experiment: time to a training-error criterion vs depth).",
  method: `Linear networks (identity activation, zero-initialized biases) 784-W x d-10 on standardized MNIST, squared error on one-hot targets (mean over the 10 outputs), plain SGD, batch 64. For each depth and initialization, a small grid of learning rates; a run's learning time is the first step where the training loss (mean of three consecutive recorded batch losses) reaches ${CRITERION}; the best learning rate of the grid gives the depth's learning time. Orthogonal: W = Q (semi-orthogonal for the 784-input layer); scaled Gaussian: N(0, 1/fan_in).`,
  rule: "With T(d) the best learning time at depth d: (1) orthogonal: T(deepest) / T(shallowest) < 2 (nearly depth-independent); (2) scaled Gaussian: T(deepest) / T(shallowest) > 2 (grows with depth). A configuration that never reaches the criterion counts as infinitely slow.",
  sizes: {
    quick:
      "W = 64, depths 2, 8, 32, learning rates 0.03, 0.1, 0.3, at most 600 steps, 5,000 training images (18 runs)",
    full: "W = 128, depths 2, 4, 8, 16, 32, 64, learning rates 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, at most 3,000 steps, 20,000 images (72 runs)",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const width = ctx.quick ? 64 : 128;
    const depths = ctx.quick ? [2, 8, 32] : [2, 4, 8, 16, 32, 64];
    const lrs = ctx.quick ? [0.03, 0.1, 0.3] : [0.01, 0.02, 0.05, 0.1, 0.2, 0.4];
    const size = ctx.quick
      ? { trainLimit: 5000, testLimit: 500, maxSteps: 600, epochs: 1000 }
      : { trainLimit: 20000, testLimit: 2000, maxSteps: 3000, epochs: 1000 };
    const total = depths.length * INITS.length * lrs.length;
    const runs: { init: string; depth: number; lr: number; run: ProbedRun; T: number }[] = [];
    let i = 0;
    for (const init of INITS) {
      for (const depth of depths) {
        for (const lr of lrs) {
          const run = await trainRun(
            ctx,
            `${init.name}, depth ${depth}, lr ${lr}`,
            i++,
            total,
            {
              data: "mnist",
              preprocess: "standardize",
              hidden: new Array(depth).fill(width),
              activation: "identity",
              init: init.spec,
              biasInit: "zeros",
              loss: "mse",
              optimizer: "sgd",
              lr,
              momentum: 0,
              batchSize: 64,
              seed: ctx.seed,
              lossEvery: 5,
              ...size,
            },
            { probeEvery: null },
          );
          runs.push({ init: init.name, depth, lr, run, T: stepsToCriterion(run, CRITERION) });
        }
      }
    }
    const best = (init: string, depth: number) =>
      runs.filter((r) => r.init === init && r.depth === depth).reduce((a, b) => (b.T < a.T ? b : a));
    const ratio = (init: string) => best(init, depths[depths.length - 1]).T / best(init, depths[0]).T;
    const checks = [
      check("orthogonal: T(deepest) / T(shallowest)", ratio("orthogonal"), "<", 2, { scale: "log" }),
      check("scaled Gaussian: T(deepest) / T(shallowest)", ratio("scaled Gaussian"), ">", 2, {
        scale: "log",
      }),
    ];
    const charts: ChartSpec[] = [
      {
        kind: "line",
        id: "time-vs-depth",
        title: `Steps to reach a training loss of ${CRITERION} (best learning rate) vs depth`,
        caption:
          "Saxe et al.: orthogonal stays flat, the scaled Gaussian grows with depth. A missing point never reached the criterion.",
        x: { label: "hidden layers", log: true },
        y: { label: "steps to criterion", log: true },
        series: INITS.map((init) => ({
          name: init.name,
          points: depths.map(
            (d) =>
              [d, Number.isFinite(best(init.name, d).T) ? best(init.name, d).T : null] as [
                number,
                number | null,
              ],
          ),
        })),
      },
      {
        kind: "line",
        id: "loss-deepest",
        title: `Training loss at depth ${depths[depths.length - 1]}, best learning rate of each initialization`,
        x: { label: "step" },
        y: { label: "training loss (MSE)", log: true },
        series: INITS.map((init) => {
          const b = best(init.name, depths[depths.length - 1]);
          return {
            name: `${init.name}, lr ${b.lr}`,
            markers: false,
            points: b.run.record.lossCurve.map((p) => [p.step, p.loss] as [number, number | null]),
          };
        }),
        markLines: [{ axis: "y", value: CRITERION, label: "criterion" }],
      },
    ];
    return {
      verdict: verdict(
        checks,
        `Best steps to criterion, depths ${depths.join("/")}: orthogonal ${depths.map((d) => fmt(best("orthogonal", d).T)).join("/")} (ratio ${fmt(ratio("orthogonal"), 3)}), ` +
          `scaled Gaussian ${depths.map((d) => fmt(best("scaled Gaussian", d).T)).join("/")} (ratio ${fmt(ratio("scaled Gaussian"), 3)}).`,
      ),
      numbers: INITS.map((init) => ({
        label: `${init.name}: T(${depths[depths.length - 1]}) / T(${depths[0]})`,
        value: ratio(init.name),
      })),
      charts,
      tables: [
        {
          id: "runs",
          title:
            "Steps to criterion for every initialization, depth and learning rate (Infinity: not reached or diverged)",
          columns: ["init", "hidden layers", "lr", "steps to criterion", "final loss", "diverged at"],
          rows: runs.map((r) => [
            r.init,
            r.depth,
            r.lr,
            Number.isFinite(r.T) ? r.T : "not reached",
            r.run.record.final.trainLoss,
            r.run.record.final.divergedAtStep,
          ]),
        },
      ],
      series: [
        lossSeries(
          "loss",
          runs.map((r) => r.run),
        ),
      ],
      configurations: runs.map((r) => runConfiguration(r.run)),
      notes: [
        "The learning rate matters: deeper linear networks move faster at a fixed rate (the gradient of each layer carries the product of the others), so the comparison is at the best rate of the grid for each depth, as in the paper.",
        "Why the Gaussian gets slower: the squared singular values of a product of d Gaussian matrices follow the Fuss-Catalan law, whose largest value grows like e d; the step size must stay below 2 / (largest curvature) while the smallest directions crawl.",
      ],
    };
  },
};
