/**
 * Experiment 10, "saxe-orthogonal": deep LINEAR networks (Saxe, McClelland & Ganguli 2014, "Exact
 * solutions to the nonlinear dynamics of learning in deep linear neural networks",
 * arXiv:1312.6120, Sec. 3-4). With random orthogonal weights the input-output map is an isometry
 * at every depth and the time to learn, at the best learning rate for each depth, is nearly
 * independent of depth; with a scaled Gaussian (Var = 1/n, norm-preserving only on average) the
 * product of the layers' matrices has a spread of singular values that widens with depth
 * (Fuss-Catalan), the usable learning rate shrinks and learning takes longer and longer.
 *
 * The learning rate is a control, not a constant: each (initialization, depth) runs a factor-2
 * grid of rates, widened at an edge until the best rate is inside it (or a limit is reached,
 * which the report says). A run that never reaches the criterion has learning time +Infinity, a
 * measured value that the checks compare.
 */
import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { fmt } from "../../report/format.js";
import type { Check } from "../../report/report-types.js";
import { bestRate, type RateGrid, widenGrid } from "../harness/rate-grid.js";
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
const LOSS_EVERY = 5;

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

export { bestRate, type RateGrid, widenGrid } from "../harness/rate-grid.js";

/**
 * The verdict's checks from the best learning time per depth (shallowest first) of each
 * initialization; +Infinity (never reached) is compared like any time (Inf / finite = Inf).
 */
export function timeRatioChecks(orthogonal: number[], gaussian: number[]): Check[] {
  const ratio = (T: number[]) => T[T.length - 1] / T[0];
  return [
    check("orthogonal: T(deepest) / T(shallowest)", ratio(orthogonal), "<", 2, { scale: "log" }),
    check("scaled Gaussian: T(deepest) / T(shallowest)", ratio(gaussian), ">", 2, { scale: "log" }),
  ];
}

interface SaxeRun {
  init: string;
  depth: number;
  lr: number;
  run: ProbedRun;
  T: number;
}

export const saxeOrthogonalExperiment: Experiment = {
  name: "saxe-orthogonal",
  order: 10,
  title: "Saxe et al. 2014: orthogonal initialization learns deep linear networks in depth-independent time",
  claim:
    "In deep linear networks, random orthogonal initialization gives a learning time (at the best learning rate) nearly independent of depth; a Gaussian initialization scaled to preserve the norm on average does not: its learning time grows with depth.",
  source:
    "Saxe, McClelland & Ganguli 2014, ICLR, arXiv:1312.6120 (Sec. 3-4 and the MNIST depth experiment: time to a training-error criterion vs depth).",
  method: `Linear networks (identity activation, zero-initialized biases) 784-W x d-10 on standardized MNIST, squared error on one-hot targets (mean over the 10 outputs), plain SGD, batch 64. A run's learning time is the first step where the training loss (mean of three consecutive batch losses recorded every 5 steps) reaches ${CRITERION} (+Infinity if it never does within the step limit, or diverges). For each initialization and depth, a factor-2 grid of learning rates, widened by a factor 2 at an edge while the best rate sits on it (within a fixed range); the best rate of the grid gives the depth's learning time. Orthogonal: W = Q (semi-orthogonal for the 784-input layer); scaled Gaussian: N(0, 1/fan_in). Each seed runs everything; the ratios are combined over seeds on logarithms.`,
  rule: "With T(d) the best learning time at depth d (one seed): (1) orthogonal: T(deepest) / T(shallowest) < 2 (nearly depth-independent); (2) scaled Gaussian: T(deepest) / T(shallowest) > 2 (grows with depth). Over seeds: the geometric mean of each ratio with its 95% t interval on logarithms must lie on the right side of 2. A configuration that never reaches the criterion has T = +Infinity (a ratio of Infinity counts as growth).",
  sizes: {
    quick:
      "W = 64, depths 2, 8, 32, rates 0.025-0.2 (factor 2, widened within 0.003-1.6), at most 600 steps, 5,000 training images; runs stop at the criterion",
    full: "W = 128, depths 2, 4, 8, 16, 32, 64, rates 0.0125-0.4 (factor 2, widened within 0.0008-3.2), at most 3,000 steps, 20,000 images",
  },
  // Seeds for 95% power on the check nearest its threshold (pilot seeds; scripts/seed-power.ts).
  seedCounts: { quick: 26, full: 5 },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const width = ctx.quick ? 64 : 128;
    const depths = ctx.quick ? [2, 8, 32] : [2, 4, 8, 16, 32, 64];
    const grid: RateGrid = ctx.quick
      ? { start: [0.025, 0.05, 0.1, 0.2], min: 0.025 / 8, max: 1.6 }
      : { start: [0.0125, 0.025, 0.05, 0.1, 0.2, 0.4], min: 0.0125 / 16, max: 3.2 };
    const size = ctx.quick
      ? { trainLimit: 5000, testLimit: 500, maxSteps: 600, epochs: 1000 }
      : { trainLimit: 20000, testLimit: 2000, maxSteps: 3000, epochs: 1000 };
    const planned = depths.length * INITS.length * grid.start.length;
    const runs: SaxeRun[] = [];
    const onEdge: string[] = [];
    let i = 0;
    for (const init of INITS) {
      for (const depth of depths) {
        const times = new Map<number, number>();
        const runOne = async (lr: number) => {
          const recent: number[] = [];
          const run = await trainRun(
            ctx,
            `${init.name}, depth ${depth}, lr ${fmt(lr)}`,
            i++,
            Math.max(planned, i),
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
              lossEvery: LOSS_EVERY,
              ...size,
            },
            {
              probeEvery: null,
              // The same criterion as stepsToCriterion, on the same recorded losses: stop once reached.
              stopWhen: (s) => {
                if (s.step % LOSS_EVERY !== 0) return false;
                recent.push(s.loss);
                if (recent.length > 3) recent.shift();
                return recent.length === 3 && (recent[0] + recent[1] + recent[2]) / 3 <= CRITERION;
              },
            },
          );
          const T = stepsToCriterion(run, CRITERION);
          times.set(lr, T);
          runs.push({ init: init.name, depth, lr, run, T });
        };
        for (const lr of grid.start) await runOne(lr);
        for (let next = widenGrid(times, grid); next !== null; next = widenGrid(times, grid))
          await runOne(next);
        const best = bestRate(times);
        const rates = [...times.keys()].sort((a, b) => a - b);
        if (best !== null && (best === rates[0] || best === rates[rates.length - 1]))
          onEdge.push(
            `${init.name}, depth ${depth}: best rate ${fmt(best)} on the grid's ${best === rates[0] ? "lower" : "upper"} limit`,
          );
      }
    }
    const bestOf = (init: string, depth: number): SaxeRun | null => {
      const rs = runs.filter((r) => r.init === init && r.depth === depth);
      const lr = bestRate(new Map(rs.map((r) => [r.lr, r.T])));
      return lr === null ? null : rs.find((r) => r.lr === lr)!;
    };
    const T = (init: string, d: number) => bestOf(init, d)?.T ?? Number.POSITIVE_INFINITY;
    const times = (init: string) => depths.map((d) => T(init, d));
    const checks = timeRatioChecks(times("orthogonal"), times("scaled Gaussian"));
    const ratio = (init: string) => T(init, depths[depths.length - 1]) / T(init, depths[0]);
    const cap = size.maxSteps;
    const charts: ChartSpec[] = [
      {
        kind: "line",
        id: "time-vs-depth",
        title: `Steps to reach a training loss of ${CRITERION} (best learning rate) vs depth`,
        caption: `Saxe et al.: orthogonal stays flat, the scaled Gaussian grows with depth. A point at ${cap} steps (the limit) never reached the criterion at any rate of the grid (+Infinity).`,
        x: { label: "hidden layers", log: true },
        y: { label: "steps to criterion", log: true },
        series: INITS.map((init) => ({
          name: init.name,
          points: depths.map((d) => [d, Math.min(T(init.name, d), cap)] as [number, number | null]),
        })),
        markLines: [{ axis: "y", value: cap, label: "step limit (not reached)" }],
      },
      {
        kind: "line",
        id: "time-vs-rate",
        title: "Steps to criterion against the learning rate, per depth (the grid of each configuration)",
        caption: `Every rate of each grid; the best rate of a configuration should be inside its grid. Points at ${cap} never reached the criterion (or diverged).`,
        x: { label: "learning rate", log: true },
        y: { label: "steps to criterion", log: true },
        series: INITS.flatMap((init) =>
          depths.map(
            (d): LineSeries => ({
              name: `${init.name}, depth ${d}`,
              points: runs
                .filter((r) => r.init === init.name && r.depth === d)
                .sort((a, b) => a.lr - b.lr)
                .map((r) => [r.lr, Math.min(r.T, cap)] as [number, number | null]),
            }),
          ),
        ),
      },
      {
        kind: "line",
        id: "loss-deepest",
        title: `Training loss at depth ${depths[depths.length - 1]}, best learning rate of each initialization`,
        x: { label: "step" },
        y: { label: "training loss (MSE)", log: true },
        series: INITS.flatMap((init) => {
          const b = bestOf(init.name, depths[depths.length - 1]);
          return b
            ? [
                {
                  name: `${init.name}, lr ${fmt(b.lr)}`,
                  markers: false,
                  points: b.run.record.lossCurve.map((p) => [p.step, p.loss] as [number, number | null]),
                },
              ]
            : [];
        }),
        markLines: [{ axis: "y", value: CRITERION, label: "criterion" }],
      },
    ];
    return {
      verdict: verdict(
        checks,
        `Best steps to criterion, depths ${depths.join("/")}: orthogonal ${depths.map((d) => fmt(T("orthogonal", d))).join("/")} (ratio ${fmt(ratio("orthogonal"), 3)}), ` +
          `scaled Gaussian ${depths.map((d) => fmt(T("scaled Gaussian", d))).join("/")} (ratio ${fmt(ratio("scaled Gaussian"), 3)}).`,
      ),
      numbers: [
        ...INITS.map((init) => ({
          label: `${init.name}: T(${depths[depths.length - 1]}) / T(${depths[0]})`,
          value: ratio(init.name),
        })),
        ...INITS.flatMap((init) =>
          depths.map((d) => ({
            label: `${init.name}, depth ${d}: best steps to criterion`,
            value: T(init.name, d),
          })),
        ),
      ],
      charts,
      tables: [
        {
          id: "best",
          title: "Best learning rate and learning time per initialization and depth",
          columns: [
            "init",
            "hidden layers",
            "rates tried",
            "best lr",
            "steps to criterion",
            "best rate on an edge",
          ],
          rows: INITS.flatMap((init) =>
            depths.map((d) => {
              const rs = runs
                .filter((r) => r.init === init.name && r.depth === d)
                .sort((a, b) => a.lr - b.lr);
              const b = bestOf(init.name, d);
              return [
                init.name,
                d,
                rs.map((r) => fmt(r.lr)).join(", "),
                b ? b.lr : null,
                b ? b.T : "not reached",
                b ? b.lr === rs[0].lr || b.lr === rs[rs.length - 1].lr : null,
              ];
            }),
          ),
        },
        {
          id: "runs",
          title:
            "Steps to criterion for every initialization, depth and learning rate (not reached: never within the step limit, or diverged)",
          columns: ["init", "hidden layers", "lr", "steps to criterion", "steps run", "diverged at"],
          rows: runs.map((r) => [
            r.init,
            r.depth,
            r.lr,
            Number.isFinite(r.T) ? r.T : "not reached",
            r.run.record.final.steps,
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
        onEdge.length
          ? `Best rate on an edge of the widest allowed grid (the learning time there is an upper bound): ${onEdge.join("; ")}.`
          : "Every configuration's best rate is inside its grid (a faster and a slower rate on either side).",
        "The learning rate matters: deeper linear networks move faster at a fixed rate (the gradient of each layer carries the product of the others), so the comparison is at the best rate of a factor-2 grid for each depth, as in the paper.",
        "Why the Gaussian gets slower: the squared singular values of a product of d Gaussian matrices follow the Fuss-Catalan law, whose largest value grows like e d; the step size must stay below 2 / (largest curvature) while the smallest directions crawl.",
        "Runs stop as soon as the criterion is reached (the 'steps run' column), so the loss curves end there.",
      ],
    };
  },
};
