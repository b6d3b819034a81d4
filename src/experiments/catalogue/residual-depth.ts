/**
 * Experiment "residual-depth": why a 100-layer residual MLP trains. A pre-activation residual
 * block x_{b+1} = x_b + alpha F_b(x_b) with a one-layer He ReLU branch F(x) = W relu(x) adds a
 * branch whose variance equals the stream's (V_F(q) = 2/n n q/2 = q), so at initialization the
 * stream's second moment obeys (src/theory/residual.ts; Hanin & Rolnick 2018, arXiv:1803.01719)
 *
 *   q_{b+1} = q_b + alpha^2 q_b = (1 + alpha^2) q_b:
 *   alpha = 1 (He et al. 2016, arXiv:1603.05027):  q_L = 2^L q_0        (doubles per block)
 *   alpha = 1/sqrt(L):                             q_L = (1 + 1/L)^L q_0 < e q_0
 *   Fixup (Zhang, Dauphin & Ma 2019, arXiv:1901.09321; the branch's last layer is zero),
 *   ReZero (Bachlechner et al. 2020, arXiv:2003.04887) and SkipInit (De & Smith 2020,
 *   arXiv:2002.10444; alpha learnable from 0):    q_L = q_0           (identity at init)
 *
 * and a plain (non-residual) He ReLU network keeps q constant in expectation (He et al. 2015), but composes
 * L nonlinear layers instead of the identity. With alpha = 1 and 50 blocks the logits are ~2^25
 * times too large: SGD diverges at every rate that suits the scaled variants and needs a rate
 * about 2^20 times smaller. The experiment measures the stream per block at initialization over
 * several network instances against these closed forms, and trains every configuration over a
 * factor-2 grid of learning rates.
 *
 * In initlab ReZero and SkipInit are the same computation (docs/architectures.md: one learnable
 * scalar per block from 0); both are measured at initialization, and the training grid runs them
 * once, as "ReZero = SkipInit" (the test checks that both settings train to the same bits).
 */
import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import type { Check, KeyNumber, TableSpec } from "../../report/report-types.js";
import { heReluStream, invSqrtDepthGrowth } from "../../theory/residual.js";
import { resolveConfig, type TrainConfig } from "../../train/config.js";
import { bestRate, bestRateEdge, log2Grid, type RateGrid, widenGrid } from "../harness/rate-grid.js";
import { finalTable, lossCurveChart, lossSeries } from "../harness/run-charts.js";
import { datasetFor, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";
import {
  CONFIGS,
  type ConfigKey,
  configOf,
  measureInit,
  networkSettings,
  type StreamPlan,
  theoryGrowth,
} from "./residual-streams.js";

// ---------------------------------------------------------------------------------------------
// The rule, fixed before the experiment was first run at its size.

/**
 * alpha = 1: the measured per-block growth factor (q_L / q_0)^(1/L) (geometric mean over the
 * instances) must be within this fraction of the theory's 2. The finite width (64) makes each
 * block's ratio fluctuate by ~15% around 2 (the cross term 2 <x, F(x)> / |x|^2 ~ 2 / sqrt(n)); over
 * 50 blocks and 16 instances the mean factor is known to ~1%; 5% leaves room for the small
 * downward bias of a geometric mean.
 */
export const ONE_GROWTH_TOL = 0.05;
/**
 * alpha = 1/sqrt(L): the measured total growth q_L / q_0 must be within this fraction of the
 * theory's (1 + 1/L)^L (2.69 at L = 50, below e). Each block's cross term is 1/sqrt(L) times
 * smaller than with alpha = 1 but L of them add up in the total: ~0.2 in log per instance.
 */
export const INV_SQRT_GROWTH_TOL = 0.15;
/**
 * Fixup, ReZero and SkipInit: max over blocks and instances of |q_b / q_0 - 1|. Every block adds
 * an exact zero at initialization (a zero weight matrix, or alpha = 0), so the stream is the same
 * numbers at every block: any deviation above rounding is a bug.
 */
export const IDENTITY_TOL = 1e-6;
/**
 * Each scaled variant (1/sqrt(L), Fixup, ReZero = SkipInit) at its best rate beats alpha = 1 at
 * its best rate by at least this much test accuracy, paired over the same seeds.
 */
export const ACCURACY_MARGIN = 0.1;
/** The accuracy a diverged run counts as (chance on 10 classes). */
export const CHANCE = 0.1;
/** A run's training loss: the mean batch loss over its last this many steps (+Infinity if it diverged). */
export const TAIL_STEPS = 50;

/** The size of one seed's run. */
export interface ResidualDepthPlan extends StreamPlan {
  /** training steps per run (null: `epochs` whole epochs) */
  steps: number | null;
  epochs: number;
  trainLimit: number | null;
  testLimit: number | null;
  /** the factor-2 rate grid each configuration starts from, and its limits */
  grid: RateGrid;
  /** each scaled variant at its best rate must reach this test accuracy */
  minAccuracy: number;
}

/**
 * The two sizes: quick (50 blocks, 300 steps on 10,000 images: ~30 s of CPU per seed) and full
 * (100 blocks, 2 epochs of 60,000 images). The accuracy bars were fixed with the rule.
 */
export const PLANS: Record<"quick" | "full", ResidualDepthPlan> = {
  quick: {
    blocks: 50,
    width: 64,
    instances: 16,
    probeBatch: 256,
    steps: 300,
    epochs: 100,
    trainLimit: 10000,
    testLimit: 2000,
    grid: { start: log2Grid(2 ** -9, 2 ** -4), min: 2 ** -40, max: 1 },
    minAccuracy: 0.85,
  },
  full: {
    blocks: 100,
    width: 64,
    instances: 32,
    probeBatch: 512,
    steps: null,
    epochs: 2,
    trainLimit: null,
    testLimit: null,
    grid: { start: log2Grid(2 ** -10, 2 ** -4), min: 2 ** -70, max: 1 },
    minAccuracy: 0.95,
  },
};

// ---------------------------------------------------------------------------------------------
// The verdict.

/** What one seed measured: the stream at initialization and each trained configuration at its best rate. */
export interface ResidualDepthMeasures {
  blocks: number;
  /** alpha = 1: measured per-block growth factor */
  onePerBlock: number;
  /** alpha = 1/sqrt(L): measured q_L / q_0 */
  invSqrtGrowth: number;
  /** max |q_b / q_0 - 1| of the identity-at-init configurations */
  identityDeviation: Record<"fixup" | "rezero" | "skipinit", number>;
  /** test accuracy at the best rate (a diverged run, or no rate that does not diverge: chance) */
  bestAccuracy: Record<"one" | "invSqrt" | "fixup" | "rezero" | "plain", number>;
  minAccuracy: number;
}

const SCALED = ["invSqrt", "fixup", "rezero"] as const;

/** The verdict's checks from one seed's measures (the harness combines the seeds into paired intervals). */
export function residualDepthChecks(m: ResidualDepthMeasures): Check[] {
  const L = m.blocks;
  const oneRatio = m.onePerBlock / heReluStream(1, 1, 1);
  const invRatio = m.invSqrtGrowth / invSqrtDepthGrowth(L);
  return [
    check(
      "alpha = 1: measured per-block growth of E[x^2] / theory's 2 (lower side)",
      oneRatio,
      ">=",
      1 - ONE_GROWTH_TOL,
      { scale: "log" },
    ),
    check(
      "alpha = 1: measured per-block growth of E[x^2] / theory's 2 (upper side)",
      oneRatio,
      "<=",
      1 + ONE_GROWTH_TOL,
      { scale: "log" },
    ),
    check(
      "alpha = 1/sqrt(L): measured q_L/q_0 / theory's (1 + 1/L)^L (lower side)",
      invRatio,
      ">=",
      1 - INV_SQRT_GROWTH_TOL,
      { scale: "log" },
    ),
    check(
      "alpha = 1/sqrt(L): measured q_L/q_0 / theory's (1 + 1/L)^L (upper side)",
      invRatio,
      "<=",
      1 + INV_SQRT_GROWTH_TOL,
      { scale: "log" },
    ),
    ...(["fixup", "rezero", "skipinit"] as const).map((k) =>
      check(
        `${k === "rezero" ? "ReZero" : configOf(k).label}: max over blocks of |q_b/q_0 - 1| at init`,
        m.identityDeviation[k],
        "<=",
        IDENTITY_TOL,
      ),
    ),
    ...SCALED.map((k) =>
      check(`${configOf(k).label}: test accuracy at its best rate`, m.bestAccuracy[k], ">=", m.minAccuracy),
    ),
    ...SCALED.map((k) =>
      check(
        `${configOf(k).label} minus alpha = 1: test accuracy, each at its best rate`,
        m.bestAccuracy[k] - m.bestAccuracy.one,
        ">=",
        ACCURACY_MARGIN,
      ),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Training over the rate grid.

/** Mean batch loss over the last TAIL_STEPS steps; +Infinity for a diverged run. */
export function runLoss(r: ProbedRun): number {
  if (r.record.final.diverged) return Number.POSITIVE_INFINITY;
  const c = r.record.lossCurve;
  const last = c.length ? c[c.length - 1].step : 0;
  const pts = c.filter((p) => p.step > last - TAIL_STEPS && p.loss !== null).map((p) => p.loss as number);
  return pts.length ? pts.reduce((a, b) => a + b, 0) / pts.length : Number.POSITIVE_INFINITY;
}

const accuracyOf = (r: ProbedRun) =>
  r.record.final.diverged ? CHANCE : (r.record.final.testAccuracy ?? CHANCE);

interface GridRun {
  key: ConfigKey;
  lr: number;
  run: ProbedRun;
  loss: number;
  acc: number;
}

/**
 * The rates a configuration runs: the start grid; while every rate tried has diverged, the rate
 * half the smallest (within the grid's min: alpha = 1 needs far smaller rates); then widened by a
 * factor 2 while the best rate (least training loss) is on an edge (rate-grid.ts).
 */
export async function searchRates(
  grid: RateGrid,
  runAt: (lr: number) => Promise<number>,
): Promise<Map<number, number>> {
  const costs = new Map<number, number>();
  for (const lr of grid.start) costs.set(lr, await runAt(lr));
  for (;;) {
    const smallest = Math.min(...costs.keys());
    const allDiverged = [...costs.values()].every((c) => !Number.isFinite(c));
    if (!allDiverged || smallest / 2 < grid.min * (1 - 1e-9)) break;
    costs.set(smallest / 2, await runAt(smallest / 2));
  }
  for (let next = widenGrid(costs, grid); next !== null; next = widenGrid(costs, grid))
    costs.set(next, await runAt(next));
  return costs;
}

const log2Label = (lr: number) => `2^${Math.round(Math.log2(lr))}`;

// ---------------------------------------------------------------------------------------------
// The experiment.

/** One seed of the experiment at `plan`'s size. */
export async function runResidualDepth(
  ctx: ExperimentContext,
  plan: ResidualDepthPlan,
): Promise<ExperimentResult> {
  const L = plan.blocks;
  const base: Partial<TrainConfig> = {
    data: "mnist",
    preprocess: "standardize",
    trainLimit: plan.trainLimit,
    testLimit: plan.testLimit,
    optimizer: "sgd",
    momentum: 0.9,
    batchSize: 64,
    epochs: plan.epochs,
    maxSteps: plan.steps,
    lossEvery: 5,
    seed: ctx.seed,
  };
  const dataset = await datasetFor(resolveConfig({ ...base, backend: ctx.backend.name }));
  ctx.progress.log(`measuring the stream of ${plan.instances} networks per configuration at initialization`);
  const streams = measureInit(ctx, plan, dataset, base);

  const trained = CONFIGS.filter((c) => c.trained);
  const planned = trained.length * plan.grid.start.length;
  const runs: GridRun[] = [];
  const costs = new Map<ConfigKey, Map<number, number>>();
  let i = 0;
  for (const c of trained) {
    const grid = await searchRates(plan.grid, async (lr) => {
      const run = await trainRun(
        ctx,
        `${c.label}, lr ${log2Label(lr)}`,
        i++,
        Math.max(planned, i),
        { ...base, ...networkSettings(c, plan), lr },
        { probeEvery: null },
      );
      const loss = runLoss(run);
      runs.push({ key: c.key, lr, run, loss, acc: accuracyOf(run) });
      return loss;
    });
    costs.set(c.key, grid);
  }
  const best = (k: ConfigKey): GridRun | null => {
    const lr = bestRate(costs.get(k)!);
    return lr === null ? null : runs.find((r) => r.key === k && r.lr === lr)!;
  };
  const bestAcc = (k: ConfigKey) => best(k)?.acc ?? CHANCE;
  const s = (k: ConfigKey) => streams.get(k)!;
  const measures: ResidualDepthMeasures = {
    blocks: L,
    onePerBlock: s("one").perBlock,
    invSqrtGrowth: s("invSqrt").growth[L],
    identityDeviation: {
      fixup: s("fixup").maxIdentityDeviation,
      rezero: s("rezero").maxIdentityDeviation,
      skipinit: s("skipinit").maxIdentityDeviation,
    },
    bestAccuracy: {
      one: bestAcc("one"),
      invSqrt: bestAcc("invSqrt"),
      fixup: bestAcc("fixup"),
      rezero: bestAcc("rezero"),
      plain: bestAcc("plain"),
    },
    minAccuracy: plan.minAccuracy,
  };
  const checks = residualDepthChecks(measures);
  const bestLr = (k: ConfigKey) => best(k)?.lr ?? null;
  const gapSteps = (k: ConfigKey) => {
    const a = bestLr(k);
    const o = bestLr("one");
    return a !== null && o !== null ? Math.log2(a / o) : null;
  };
  const edges = trained.flatMap((c) => {
    const e = bestRateEdge(costs.get(c.key)!);
    return e ? [`${c.label}: best rate ${log2Label(bestLr(c.key)!)} on the ${e} edge of its grid`] : [];
  });
  const bestRuns = trained.map((c) => best(c.key)).filter((r): r is GridRun => r !== null);

  const summary =
    `At init, alpha = 1 grows E[x^2] by ${fmt(measures.onePerBlock, 3)} per block (theory 2: x${fmt(s("one").growth[L], 3)} over ${L} blocks), ` +
    `alpha = 1/sqrt(L) by ${fmt(measures.invSqrtGrowth, 3)} in all (theory ${fmt(invSqrtDepthGrowth(L), 3)} < e); ` +
    `Fixup/ReZero/SkipInit: identity (max deviation ${fmt(Math.max(...Object.values(measures.identityDeviation)))}). ` +
    `Best test accuracy: ${trained.map((c) => `${c.label} ${pct(bestAcc(c.key))} at lr ${bestLr(c.key) === null ? "none" : log2Label(bestLr(c.key)!)}`).join("; ")}.`;

  const numbers: KeyNumber[] = [
    { label: "alpha = 1: measured per-block growth of E[x^2] (theory 2)", value: measures.onePerBlock },
    { label: `alpha = 1: measured q_L/q_0 over ${L} blocks`, value: s("one").growth[L] },
    { label: `alpha = 1: theory q_L/q_0 = 2^${L}`, value: heReluStream(1, 1, L) },
    { label: "alpha = 1/sqrt(L): measured q_L/q_0", value: measures.invSqrtGrowth },
    { label: "alpha = 1/sqrt(L): theory q_L/q_0 = (1 + 1/L)^L", value: invSqrtDepthGrowth(L) },
    { label: "plain He network: measured q_L/q_0 (theory 1)", value: s("plain").growth[L] },
    ...trained.map((c) => ({ label: `test accuracy at the best rate, ${c.label}`, value: bestAcc(c.key) })),
    ...trained.map((c) => ({
      label: `log2 of the best rate, ${c.label}`,
      value: bestLr(c.key) === null ? "none" : Math.log2(bestLr(c.key)!),
    })),
    ...trained.map((c) => ({
      label: `training loss (last ${TAIL_STEPS} steps) at the best rate, ${c.label}`,
      value: best(c.key)?.loss ?? null,
    })),
    ...SCALED.map((k) => ({
      label: `grid steps from alpha = 1's best rate up to ${configOf(k).label}'s`,
      value: gapSteps(k),
    })),
  ];

  const measuredLine = (c: (typeof CONFIGS)[number]): LineSeries => ({
    name: c.key === "rezero" ? "ReZero" : c.label,
    role: "measured",
    markers: false,
    points: s(c.key).growth.map((g, b) => [b, g] as [number, number]),
  });
  const theoryLine = (name: string, key: ConfigKey): LineSeries => ({
    name,
    role: "theory",
    points: Array.from({ length: L + 1 }, (_, b) => [b, theoryGrowth(key, L, b)] as [number, number]),
  });
  const charts: ChartSpec[] = [
    {
      kind: "line",
      id: "stream",
      title: `E[x_b^2] / E[x_0^2] of the residual stream against block, at initialization (${plan.instances} networks, geometric mean)`,
      caption: `Solid: measured (the plain network: E[z^2] of hidden layer b); dashed: the closed forms of src/theory/residual.ts, 2^b for alpha = 1, (1 + 1/L)^b for 1/sqrt(L) (at most e), 1 for Fixup, ReZero, SkipInit and the plain He network.`,
      x: { label: "block b" },
      y: { label: "E[x_b^2] / E[x_0^2]", log: true },
      series: [
        ...CONFIGS.map(measuredLine),
        theoryLine("theory 2^b (alpha = 1)", "one"),
        theoryLine("theory (1 + 1/L)^b (1/sqrt(L))", "invSqrt"),
        theoryLine("theory 1 (identity; plain He)", "fixup"),
      ],
      markLines: [{ axis: "y", value: Math.E, label: "e" }],
    },
    {
      kind: "line",
      id: "stream-bounded",
      title: "The same without alpha = 1: the configurations whose stream stays bounded",
      caption:
        "1/sqrt(L) climbs to (1 + 1/L)^L < e; Fixup, ReZero and SkipInit stay exactly at 1; the plain He network keeps E[z^2] only in expectation: its geometric mean over networks drifts down (finite width, Hanin & Rolnick 2018).",
      x: { label: "block b" },
      y: { label: "E[x_b^2] / E[x_0^2]", log: true },
      series: [
        ...CONFIGS.filter((c) => c.key !== "one").map(measuredLine),
        theoryLine("theory (1 + 1/L)^b (1/sqrt(L))", "invSqrt"),
        theoryLine("theory 1 (identity; plain He)", "fixup"),
      ],
      markLines: [{ axis: "y", value: Math.E, label: "e" }],
    },
    {
      kind: "line",
      id: "branch-ratio",
      title: "Var(alpha F_b) / Var(x_b) per block at initialization (mean over networks)",
      caption:
        "The branch against the stream it is added to: 1 for alpha = 1 (every block doubles the stream), 1/L for 1/sqrt(L); Fixup, ReZero and SkipInit add exactly 0 (not drawn on the log axis).",
      x: { label: "block b" },
      y: { label: "branch / stream variance", log: true },
      series: (["one", "invSqrt"] as const).map((k) => ({
        name: configOf(k).label,
        markers: false,
        points: (s(k).ratioPerBlock ?? []).map((r, b) => [b, r] as [number, number]),
      })),
      markLines: [
        { axis: "y", value: 1, label: "1" },
        { axis: "y", value: 1 / L, label: "1/L" },
      ],
    },
    {
      kind: "line",
      id: "accuracy-vs-rate",
      title: "Test accuracy against the learning rate (SGD, momentum 0.9)",
      caption:
        "Every rate tried (a diverged run is drawn at chance, 10%). alpha = 1 diverges at every rate that suits the others and trains only at rates about a million times smaller.",
      x: { label: "learning rate", log: true },
      y: { label: "test accuracy", min: 0, max: 1 },
      series: trained.map((c) => ({
        name: c.label,
        points: runs
          .filter((r) => r.key === c.key)
          .sort((a, b) => a.lr - b.lr)
          .map((r) => [r.lr, r.acc] as [number, number | null]),
      })),
      markLines: [{ axis: "y", value: plan.minAccuracy, label: `${pct(plan.minAccuracy)}` }],
    },
    lossCurveChart(
      "loss-curves",
      "Training loss, each configuration at its best rate",
      bestRuns.map((r) => ({ ...r.run, label: `${configOf(r.key).label} (best)` })),
      { logY: true },
    ),
  ];

  const streamTable: TableSpec = {
    id: "streams",
    title: `The stream at initialization: measured (geometric mean over ${plan.instances} networks) and the theory`,
    caption:
      "theory (closed form): src/theory/residual.ts with Var(W) = 2/n exactly; theory (weights): the same recursion with each network's own Var(W) and measured q_0. sd: of log(q_L/q_0) over the networks.",
    columns: [
      "configuration",
      "E[x_0^2]",
      "q_L/q_0 measured",
      "sd of log",
      "theory (closed form)",
      "theory (weights)",
      "per block measured",
      "per block theory",
      "mean Var(alpha F)/Var(x)",
      "max |q_b/q_0 - 1|",
    ],
    rows: CONFIGS.map((c) => {
      const x = s(c.key);
      return [
        c.key === "rezero" ? "ReZero" : c.label,
        x.q0,
        x.growth[L],
        x.logGrowthSd,
        theoryGrowth(c.key, L, L),
        x.predicted ? x.predicted[L] : null,
        x.perBlock,
        theoryGrowth(c.key, L, 1),
        x.meanRatio,
        x.maxIdentityDeviation,
      ];
    }),
  };
  return {
    verdict: verdict(checks, summary),
    numbers,
    charts,
    tables: [
      streamTable,
      {
        id: "grid",
        title: "Every configuration and rate: training loss and test accuracy (diverged: the step)",
        columns: ["configuration", "log2 lr", "training loss", "test accuracy", "diverged at", "best rate"],
        rows: runs
          .slice()
          .sort((a, b) => CONFIGS.indexOf(configOf(a.key)) - CONFIGS.indexOf(configOf(b.key)) || a.lr - b.lr)
          .map((r) => [
            configOf(r.key).label,
            Math.log2(r.lr),
            Number.isFinite(r.loss) ? r.loss : null,
            r.run.record.final.diverged ? null : r.acc,
            r.run.record.final.divergedAtStep,
            bestLr(r.key) === r.lr,
          ]),
      },
      finalTable(
        "final",
        "Final numbers at each configuration's best rate",
        bestRuns.map((r) => r.run),
      ),
    ],
    series: [
      lossSeries(
        "loss",
        bestRuns.map((r) => r.run),
      ),
      {
        id: "stream",
        columns: ["configuration", "block", "measured q_b/q_0", "theory q_b/q_0"],
        rows: CONFIGS.flatMap((c) => s(c.key).growth.map((g, b) => [c.key, b, g, theoryGrowth(c.key, L, b)])),
      },
    ],
    configurations: bestRuns.map((r) => runConfiguration(r.run)),
    notes: [
      edges.length
        ? `Best rate on an edge of the grid (the grid is widened by factors of 2 at an edge, within 2^${Math.log2(plan.grid.min)}..2^${Math.log2(plan.grid.max)}): ${edges.join("; ")}.`
        : "Every trained configuration's best rate is inside its grid (a smaller and a larger rate on either side).",
      `The best rate of a configuration is the one with the least training loss (mean batch loss over the last ${TAIL_STEPS} steps); the test accuracy is read at that rate, on the test images after the last step. A diverged run (NaN or infinite loss or gradient) counts as chance, 10%. While every rate of a configuration diverges its grid goes down by factors of 2 (down to 2^${Math.log2(plan.grid.min)}): alpha = 1's first rate that does not diverge is where it "needs a tiny rate".`,
      "ReZero and SkipInit are the same computation in initlab (one learnable scalar per block starting at 0; docs/architectures.md): both are measured at initialization, and trained once, as 'ReZero = SkipInit'.",
      "Fixup here: the branch's last (only) layer and the output layer start at zero (m = 1: no layer is rescaled); Fixup's scalar biases and multipliers are not built (docs/architectures.md).",
    ],
  };
}

export const residualDepthExperiment: Experiment = {
  name: "residual-depth",
  order: 23,
  title:
    "100-layer residual MLPs: alpha = 1 blows the stream up by 2^L; 1/sqrt(L), Fixup, ReZero and SkipInit train",
  claim: `In a residual MLP of one-layer He ReLU branches, x_{b+1} = x_b + alpha W relu(x_b), the branch adds as much variance as the stream has: with alpha = 1 (He et al. 2016) E[x^2] doubles at every block, 2^L after L blocks, and SGD diverges at every rate that suits a scaled network (it needs a tiny rate). With alpha = 1/sqrt(L) the stream grows by (1 + 1/L)^L < e in all; Fixup (zero last layer of each branch), ReZero and SkipInit (alpha learnable from 0) make every block the identity at initialization; all three train a network of 50 (quick) or 100 (full) blocks. A plain (non-residual) He network of the same depth keeps the variance but composes L nonlinear layers: it is compared too.`,
  source:
    "He, Zhang, Ren & Sun 2016 (arXiv:1603.05027, pre-activation blocks); Zhang, Dauphin & Ma 2019, Fixup (arXiv:1901.09321); Bachlechner et al. 2020, ReZero (arXiv:2003.04887); De & Smith 2020, SkipInit (arXiv:2002.10444); the variance recursion as in Hanin & Rolnick 2018 (arXiv:1803.01719).",
  method: `MNIST (standardized): a projection layer 784 -> n, then L residual blocks x_{b+1} = x_b + alpha (W_b relu(x_b) + b_b) of width n, and a read-out W relu(x_L) (docs/architectures.md); He normal weights, zero biases. Configurations: alpha = 1; alpha = 1/sqrt(L); Fixup (alpha = 1, each branch's layer and the read-out zero); ReZero and SkipInit (alpha learnable from 0, the same computation: trained once); a plain He ReLU MLP with the same 1 + L hidden layers. At initialization: q_b = E[x_b^2] of every block on a fixed batch of training images, over several independently initialized networks per seed, against the closed forms of src/theory/residual.ts. Training: SGD momentum 0.9, batch 64, each configuration over a factor-2 grid of rates (widened at an edge; while every rate diverges, halved), the best rate = the least training loss over the last ${TAIL_STEPS} steps.`,
  rule: `Fixed before the run; per seed, then over seeds with 95% t intervals (ratios on logarithms; every configuration runs on the same seeds and the same initial networks, so differences are paired): (1) alpha = 1: the measured per-block growth (q_L/q_0)^(1/L) is within ${pct(ONE_GROWTH_TOL)} of the theory's 2 (two checks, each side); (2) alpha = 1/sqrt(L): the measured q_L/q_0 is within ${pct(INV_SQRT_GROWTH_TOL)} of (1 + 1/L)^L (< e); (3) Fixup, ReZero and SkipInit: max over blocks of |q_b/q_0 - 1| <= ${IDENTITY_TOL} (identity at initialization); (4) 1/sqrt(L), Fixup and ReZero = SkipInit each reach at least ${pct(PLANS.quick.minAccuracy)} test accuracy (full size: ${pct(PLANS.full.minAccuracy)}) at their best rate; (5) each beats alpha = 1 at its best rate by at least ${ACCURACY_MARGIN * 100} points of test accuracy (a diverged run counts as chance, 10%). The plain network is reported beside them, without a check.`,
  sizes: {
    quick: `${PLANS.quick.blocks} blocks of width ${PLANS.quick.width}; ${PLANS.quick.instances} networks per configuration at init; the first 10,000 / 2,000 images, ${PLANS.quick.steps} steps per run, rates from 2^-9..2^-4`,
    full: `${PLANS.full.blocks} blocks of width ${PLANS.full.width}; ${PLANS.full.instances} networks at init; 60,000 / 10,000 images, ${PLANS.full.epochs} epochs per run, rates from 2^-10..2^-4`,
  },
  // Seeds for 95% power on the check nearest its threshold (pilot seeds; scripts/seed-power.ts).
  seedCounts: { quick: 4, full: 5 },
  // CPU seconds of one quick seed (experiment run residual-depth --quick --seeds 1 --jobs 1 --threads 1): orders the pool's queue.
  seedCost: 29,
  run(ctx: ExperimentContext): Promise<ExperimentResult> {
    return runResidualDepth(ctx, ctx.quick ? PLANS.quick : PLANS.full);
  },
};
