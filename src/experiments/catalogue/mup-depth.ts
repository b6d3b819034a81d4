/**
 * Experiment "mup-depth": the transfer plot over depth. Depth-wise muP for residual networks
 * (Yang et al. 2023, "Tensor Programs VI", arXiv:2310.02244; Bordelon et al. 2023,
 * arXiv:2309.16620) multiplies every residual branch by 1/sqrt(L) for L blocks; with SGD the
 * learning rate then needs no depth factor, and the best rate of a shallow network is the best
 * one of a deep network. Without the multiplier (alpha = 1, He et al. 2016) the stream's variance
 * grows with every block and the best rate moves with depth.
 *
 * The networks are muP networks at their base width (every width multiplier is 1), so depth is the
 * only thing that changes; the branch multiplier is the residual setting `branchScale`
 * (inv_sqrt_depth, src/nn/architecture.ts). Adam's depth factor on the rate (1/sqrt(L) in
 * Depth-muP) is not built: this experiment is SGD only.
 */
import { planSweep } from "../../sweep/sweep-plan.js";
import { trainRun } from "../harness/train-run.js";
import type {
  ChartSpec,
  Check,
  Experiment,
  ExperimentContext,
  ExperimentResult,
  KeyNumber,
} from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";
import { type OptimumShift, optimumShift } from "./mup-transfer.js";

/** Residual blocks (one dense layer each, after the first hidden layer); width 128. */
export const DEPTH_BLOCKS = { quick: [2, 4, 8, 16], full: [2, 4, 8, 16, 32, 64] };
/** log2 of the SGD learning rates tried (one grid step = a factor 2). */
export const DEPTH_LOG2_LR = [-10, -9, -8, -7, -6, -5, -4, -3, -2, -1] as const;
/** Rule: with 1/sqrt(L) branches the optimal log2 rate moves by at most this across depths. */
export const DEPTH_MAX_SPREAD = 1;
/** Rule: with alpha = 1 it moves by at least this. */
export const DEPTH_MIN_SPREAD = 1;
const WIDTH = 128;

const SCALES = ["one", "inv_sqrt_depth"] as const;
type Scale = (typeof SCALES)[number];
const LABEL: Record<Scale, string> = { one: "alpha = 1", inv_sqrt_depth: "alpha = 1/sqrt(L) (Depth-muP)" };

/** One run: its branch scale, blocks, rate and final training loss (null: diverged). */
export interface DepthPoint {
  branchScale: Scale;
  blocks: number;
  lr: number;
  loss: number | null;
}

/** The shift of the optimum over depth per branch scale (one seed). */
export function depthShifts(points: readonly DepthPoint[]): { scale: Scale; shift: OptimumShift }[] {
  return SCALES.flatMap((scale) => {
    const mine = points.filter((p) => p.branchScale === scale);
    return mine.length ? [{ scale, shift: optimumShift(mine.map((p) => ({ size: p.blocks, ...p }))) }] : [];
  });
}

/**
 * The experiment's checks from one seed's spreads, one per branch scale in the given order: with
 * 1/sqrt(L) branches the optimal log2 lr moves by at most `DEPTH_MAX_SPREAD` grid steps across
 * depths, with alpha = 1 by at least `DEPTH_MIN_SPREAD` (a spread of NaN, a depth with no optimum, fails).
 */
export function depthChecks(
  spreads: readonly { scale: DepthPoint["branchScale"]; spread: number }[],
): Check[] {
  return spreads.map(({ scale, spread }) => {
    const label = `${LABEL[scale]}: spread of the optimal log2 lr over depths (grid steps)`;
    return scale === "inv_sqrt_depth"
      ? check(label, spread, "<=", DEPTH_MAX_SPREAD)
      : check(label, spread, ">=", DEPTH_MIN_SPREAD);
  });
}

/** The experiment's result for one seed's runs. */
export function depthResult(points: readonly DepthPoint[]): ExperimentResult {
  const shifts = depthShifts(points);
  const checks = depthChecks(shifts.map(({ scale, shift }) => ({ scale, spread: shift.spread })));
  const numbers: KeyNumber[] = shifts.flatMap(({ scale, shift }) => [
    { label: `${LABEL[scale]}: slope of the optimal log2 lr against log2 blocks`, value: shift.slope },
    ...shift.sizes.map((L, i) => ({
      label: `${LABEL[scale]}: optimal log2 lr at ${L} blocks`,
      value: shift.optima[i]?.log2Lr ?? null,
    })),
    ...shift.sizes.map((L, i) => ({
      label: `${LABEL[scale]}: least training loss at ${L} blocks`,
      value: shift.optima[i]?.loss ?? null,
    })),
  ]);
  const charts: ChartSpec[] = shifts.map(({ scale, shift }) => ({
    kind: "line",
    id: `loss-vs-lr-${scale}`,
    title: `${LABEL[scale]}: training loss against log2 learning rate, one curve per depth`,
    caption: "Dotted lines: the optimum of each depth, labelled with its number of blocks.",
    x: { label: "log2 learning rate" },
    y: { label: "final training loss", log: true },
    series: shift.sizes.map((L) => ({
      name: `${L} blocks`,
      points: points
        .filter((p) => p.branchScale === scale && p.blocks === L)
        .sort((a, b) => a.lr - b.lr)
        .map((p) => [Math.log2(p.lr), p.loss] as [number, number | null]),
    })),
    markLines: shift.sizes.flatMap((L, i) => {
      const o = shift.optima[i];
      return o ? [{ axis: "x" as const, value: o.log2Lr, label: `${L}` }] : [];
    }),
  }));
  const edges = shifts.flatMap(({ scale, shift }) =>
    shift.sizes.flatMap((L, i) => (shift.optima[i]?.atEdge ? [`${LABEL[scale]}, ${L} blocks`] : [])),
  );
  return {
    verdict: verdict(
      checks,
      shifts
        .map(
          ({ scale, shift }) =>
            `${LABEL[scale]}: the optimum moves ${shift.spread.toFixed(2)} grid steps (slope ${shift.slope.toFixed(2)})`,
        )
        .join("; "),
    ),
    numbers,
    charts,
    tables: [],
    series: [
      {
        id: "runs",
        columns: ["branch scale", "blocks", "log2 lr", "final training loss"],
        rows: points.map((p) => [p.branchScale, p.blocks, Math.log2(p.lr), p.loss]),
      },
    ],
    configurations: [],
    notes: [
      "Loss: the final training loss of each run; a diverged run counts as +infinity. Optimum: as in mup-transfer (the least loss, refined by a parabola through its neighbours).",
      edges.length
        ? `The least loss is at the edge of the rate grid for: ${edges.join(", ")} (the spread is then a lower bound).`
        : "Every optimum lies inside the rate grid.",
    ],
  };
}

export const mupDepthExperiment: Experiment = {
  name: "mup-depth",
  order: 22,
  title:
    "With 1/sqrt(L) residual branches (Depth-muP) the best SGD rate of a shallow ResNet is the best one of a deep one",
  claim:
    "In a residual MLP trained with SGD, branches multiplied by 1/sqrt(L) keep the optimal learning rate in place across depths (within a factor 2); with unscaled branches (alpha = 1) it moves.",
  source:
    "Yang, Yu, Zhu & Hayou 2023, Tensor Programs VI (arXiv:2310.02244); Bordelon, Noci, Li, Hanin & Pehlevan 2023 (arXiv:2309.16620).",
  method: `MNIST, residual MLPs of width ${WIDTH}: a first hidden layer, then L blocks x_{l+1} = x_l + alpha W phi(x_l) + b (ReLU, He normal, zero biases), muP at its base width; SGD without momentum, batch 64, at log2 lr ${DEPTH_LOG2_LR.join(", ")}, alpha = 1 and alpha = 1/sqrt(L). The runs are planned by the sweep planner. Per depth the optimal log2 lr is the least final training loss, refined by a parabola through its neighbours.`,
  rule: `Fixed before the run: with alpha = 1/sqrt(L) the optimal log2 learning rate moves by at most ${DEPTH_MAX_SPREAD} grid step (a factor 2) across the depths; with alpha = 1 it moves by at least ${DEPTH_MIN_SPREAD} grid step. Each is a mean over seeds with its 95% t interval.`,
  sizes: {
    quick: `${DEPTH_BLOCKS.quick.join(", ")} blocks; the first 10,000 / 2,000 images; 300 steps per run; ${DEPTH_BLOCKS.quick.length * DEPTH_LOG2_LR.length * 2} runs per seed`,
    full: `${DEPTH_BLOCKS.full.join(", ")} blocks; 60,000 / 10,000 images; 1 epoch per run; ${DEPTH_BLOCKS.full.length * DEPTH_LOG2_LR.length * 2} runs per seed`,
  },
  // Seeds for 95% power on the check nearest its threshold (pilot seeds; scripts/seed-power.ts):
  // 3 from its first pilot (bases 1, 42), 4 once base 72 showed a wider spread (docs/experiments.md).
  seedCounts: { quick: 4, full: 5 },
  // CPU seconds of one quick seed (experiment run mup-depth --quick --seeds 1 --jobs 1 --threads 1): orders the pool's queue.
  seedCost: 27,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const blocks = ctx.quick ? DEPTH_BLOCKS.quick : DEPTH_BLOCKS.full;
    const plan = planSweep(
      {
        name: "mup-depth",
        base: {
          data: "mnist",
          trainLimit: ctx.quick ? 10000 : null,
          testLimit: ctx.quick ? 2000 : null,
          activation: "relu",
          init: "he_normal",
          biasInit: "zeros",
          optimizer: "sgd",
          momentum: 0,
          batchSize: 64,
          epochs: ctx.quick ? 2 : 1,
          maxSteps: ctx.quick ? 300 : null,
          parametrization: "mup",
          baseWidth: WIDTH,
          residual: 1,
          seed: ctx.seed,
        },
        grid: {
          hidden: blocks.map((L) => Array.from({ length: 1 + L }, () => WIDTH)),
          branchScale: [...SCALES],
          lr: DEPTH_LOG2_LR.map((e) => 2 ** e),
        },
      },
      { backend: ctx.backend.name },
    );
    const points: DepthPoint[] = [];
    for (const [i, run] of plan.runs.entries()) {
      const c = run.config;
      const L = c.hidden.length - 1;
      const label = `${c.branchScale}, ${L} blocks, lr 2^${Math.log2(c.lr)}`;
      const r = await trainRun(ctx, label, i, plan.runs.length, c, { probeEvery: null });
      const f = r.record.final;
      points.push({
        branchScale: c.branchScale as Scale,
        blocks: L,
        lr: c.lr,
        loss: !f.diverged && f.trainLoss !== null && Number.isFinite(f.trainLoss) ? f.trainLoss : null,
      });
    }
    return depthResult(points);
  },
};
