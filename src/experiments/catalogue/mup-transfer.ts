/**
 * Experiment "mup-transfer": does the best learning rate of a narrow network stay the best one of a
 * wide network? Tensor Programs V (Yang et al. 2022, arXiv:2203.03466, Fig. 1 and 3): under the
 * standard parametrization (SP) the optimum moves with width (to smaller rates as width grows, and
 * the widest networks train worse at the narrow one's best rate); under muP it stays put and wider
 * is better at every rate.
 *
 * The runs are a sweep (src/sweep): the grid width x parametrization x seed crossed with one point
 * per (optimizer, learning rate). `mupTransferSweep` writes it; the experiment plans it with the
 * sweep planner (so every run has the id the sweep file's run has) and trains each run here, one
 * seed per call (the harness runs the seeds on its pool). The same sweep runs unchanged on the
 * local pool or on Redis/BullMQ workers (`initlab sweep examples/mup-transfer-quick.yaml
 * [--queue URL]`), and `initlab param transfer --sweep NAME` computes this experiment's report
 * from the stored runs (`transferReport`): one analysis, two ways to compute the runs.
 *
 * Optimum per width: the grid point of least final training loss (a diverged run counts as +inf),
 * refined by the vertex of the parabola through it and its two neighbours on the log2 lr axis
 * (within half a grid step of the grid point; a grid edge stays the grid point and is flagged).
 */
import { UserError } from "../../errors.js";
import type { Backend } from "../../kernels/backend.js";
import type { ExperimentReport } from "../../report/report-types.js";
import type { SweepSpec } from "../../sweep/sweep-file.js";
import { planSweep } from "../../sweep/sweep-plan.js";
import type { TrainConfig } from "../../train/config.js";
import { slope as fitSlope } from "../../train/coord-check.js";
import { experimentReport } from "../harness/execute.js";
import { trainRun } from "../harness/train-run.js";
import type {
  ChartSpec,
  Check,
  Experiment,
  ExperimentContext,
  ExperimentResult,
  KeyNumber,
  SeriesSpec,
  TableSpec,
} from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

/** Hidden widths (two hidden layers of this width); the first is the base width (muP = SP there). */
export const TRANSFER_WIDTHS = { quick: [64, 128, 256, 512], full: [64, 128, 256, 512, 1024, 2048] };
/** log2 of the learning rates tried, one grid step = a factor 2 (chosen by a pilot at widths 64 and 512 so that both optima lie inside). */
export const TRANSFER_LOG2_LR = {
  sgd: [-7, -6, -5, -4, -3, -2, -1, 0],
  adam: [-14, -13, -12, -11, -10, -9, -8, -7, -6],
} as const;
/** Rule: under muP the optimal log2 rate moves by at most this across widths (one grid step). */
export const MUP_MAX_SPREAD = 1;
/** Rule: under SP it moves by at least this (one grid step). */
export const SP_MIN_SPREAD = 1;

const PARAMS = ["sp", "mup"] as const;
const OPTIMIZERS = ["sgd", "adam"] as const;
type Param = (typeof PARAMS)[number];
type Opt = (typeof OPTIMIZERS)[number];

/** The sweep of the experiment for these seeds (quick: 4 widths, 10,000 images, 300 steps). */
export function mupTransferSweep(quick: boolean, seeds: number[]): SweepSpec {
  const widths = quick ? TRANSFER_WIDTHS.quick : TRANSFER_WIDTHS.full;
  return {
    name: quick ? "mup-transfer-quick" : "mup-transfer",
    description:
      "Tensor Programs V's hyperparameter transfer: final training loss against log2 lr, per width, SP vs muP, SGD and Adam (initlab experiment mup-transfer; analysis: initlab param transfer)",
    base: {
      data: "mnist",
      trainLimit: quick ? 10000 : null,
      testLimit: quick ? 2000 : null,
      activation: "relu",
      init: "he_normal",
      biasInit: "zeros",
      momentum: 0,
      batchSize: 64,
      epochs: quick ? 2 : 1,
      maxSteps: quick ? 300 : null,
      baseWidth: widths[0],
      readoutZero: false,
    },
    grid: {
      hidden: widths.map((w) => [w, w]),
      parametrization: [...PARAMS],
      seed: seeds,
    },
    runs: OPTIMIZERS.flatMap((optimizer) =>
      TRANSFER_LOG2_LR[optimizer].map((e) => ({ optimizer, lr: 2 ** e })),
    ),
  };
}

/** One finished run as the analysis needs it. */
export interface TransferPoint {
  parametrization: Param;
  optimizer: Opt;
  width: number;
  lr: number;
  seed: number;
  /** Final training loss; null when the run diverged or failed (counted as +inf). */
  loss: number | null;
}

/** The optimum of one loss-vs-log2-lr curve. */
export interface CurveOptimum {
  /** Refined optimal log2 lr (see the module comment). */
  log2Lr: number;
  /** The grid point of least loss. */
  gridLog2Lr: number;
  loss: number;
  /** The least loss is at the first or the last rate of the grid (the true optimum may lie outside). */
  atEdge: boolean;
}

/**
 * The optimum of a curve given as (log2 lr, loss) on an equally spaced grid: the least loss, and
 * the vertex of the parabola through it and its neighbours, x* = x_k + h (f_- - f_+) / (2 (f_- - 2 f_k + f_+)).
 * null when no run has a finite loss.
 */
export function curveOptimum(
  points: readonly { log2Lr: number; loss: number | null }[],
): CurveOptimum | null {
  const sorted = [...points].sort((a, b) => a.log2Lr - b.log2Lr);
  const f = sorted.map((p) =>
    p.loss !== null && Number.isFinite(p.loss) ? p.loss : Number.POSITIVE_INFINITY,
  );
  let k = -1;
  for (let i = 0; i < f.length; i++) if (Number.isFinite(f[i]) && (k < 0 || f[i] < f[k])) k = i;
  if (k < 0) return null;
  const x = sorted[k].log2Lr;
  const atEdge = k === 0 || k === f.length - 1;
  let refined = x;
  if (!atEdge && Number.isFinite(f[k - 1]) && Number.isFinite(f[k + 1])) {
    const h = (sorted[k + 1].log2Lr - sorted[k - 1].log2Lr) / 2;
    const curvature = f[k - 1] - 2 * f[k] + f[k + 1];
    if (curvature > 0) refined = x + (h * (f[k - 1] - f[k + 1])) / (2 * curvature);
  }
  return { log2Lr: refined, gridLog2Lr: x, loss: f[k], atEdge };
}

const LABEL: Record<Param | Opt, string> = { sp: "SP", mup: "muP", sgd: "SGD", adam: "Adam" };

/** How the optimum of one (parametrization, optimizer) moves with width on one seed. */
export interface TransferShift extends OptimumShift {
  parametrization: Param;
  optimizer: Opt;
  widths: number[];
}

/** How the optimum of loss-vs-log2-lr curves moves along a size (width, depth): per size, its spread and its slope. */
export interface OptimumShift {
  sizes: number[];
  /** Per size (null: nothing trained). */
  optima: (CurveOptimum | null)[];
  /** max - min of the optimal log2 lr over the sizes (grid steps; NaN when a size has no optimum). */
  spread: number;
  /** Slope of the optimal log2 lr against log2 size (-1: the optimum halves when the size doubles). */
  slope: number;
}

/** The optimum per size of runs given as (size, lr, loss), and how it moves. */
export function optimumShift(
  runs: readonly { size: number; lr: number; loss: number | null }[],
): OptimumShift {
  const sizes = [...new Set(runs.map((p) => p.size))].sort((a, b) => a - b);
  const optima = sizes.map((n) =>
    curveOptimum(runs.filter((p) => p.size === n).map((p) => ({ log2Lr: Math.log2(p.lr), loss: p.loss }))),
  );
  const xs = optima.map((o) => o?.log2Lr ?? Number.NaN);
  const spread = xs.some(Number.isNaN) ? Number.NaN : Math.max(...xs) - Math.min(...xs);
  const slope = fitSlope(
    sizes.map((n) => Math.log2(n)),
    xs,
  );
  return { sizes, optima, spread, slope };
}

/** The shifts of every (parametrization, optimizer) in `points` (one seed). */
export function transferShifts(points: readonly TransferPoint[]): TransferShift[] {
  const out: TransferShift[] = [];
  for (const parametrization of PARAMS) {
    for (const optimizer of OPTIMIZERS) {
      const mine = points.filter((p) => p.parametrization === parametrization && p.optimizer === optimizer);
      if (mine.length === 0) continue;
      const shift = optimumShift(mine.map((p) => ({ size: p.width, lr: p.lr, loss: p.loss })));
      out.push({ parametrization, optimizer, widths: shift.sizes, ...shift });
    }
  }
  return out;
}

/**
 * The experiment's checks from one seed's shifts, one per (parametrization, optimizer) in the
 * given order: under muP the optimal log2 lr moves by at most `MUP_MAX_SPREAD` grid steps across
 * widths, under SP by at least `SP_MIN_SPREAD` (a spread of NaN, a width with no optimum, fails).
 */
export function transferChecks(
  shifts: readonly Pick<TransferShift, "parametrization" | "optimizer" | "spread">[],
): Check[] {
  return shifts.map((s) => {
    const label = `${LABEL[s.parametrization]}, ${LABEL[s.optimizer]}: spread of the optimal log2 lr over widths (grid steps)`;
    return s.parametrization === "mup"
      ? check(label, s.spread, "<=", MUP_MAX_SPREAD)
      : check(label, s.spread, ">=", SP_MIN_SPREAD);
  });
}

/** The experiment's result for one seed's points (the harness combines seeds). */
export function transferResult(points: readonly TransferPoint[]): ExperimentResult {
  const shifts = transferShifts(points);
  const checks = transferChecks(shifts);
  const numbers: KeyNumber[] = shifts.flatMap((s) => {
    const name = `${LABEL[s.parametrization]}, ${LABEL[s.optimizer]}`;
    return [
      { label: `${name}: slope of the optimal log2 lr against log2 width`, value: s.slope },
      ...s.widths.map((w, i) => ({
        label: `${name}: optimal log2 lr at width ${w}`,
        value: s.optima[i]?.log2Lr ?? null,
      })),
      ...s.widths.map((w, i) => ({
        label: `${name}: least training loss at width ${w}`,
        value: s.optima[i]?.loss ?? null,
      })),
    ];
  });
  const edges = shifts.flatMap((s) =>
    s.widths.flatMap((w, i) =>
      s.optima[i]?.atEdge ? [`${LABEL[s.parametrization]} ${LABEL[s.optimizer]} width ${w}`] : [],
    ),
  );
  const charts: ChartSpec[] = shifts.map((s) => curveChart(s, points));
  charts.push(optimumChart(shifts));
  const summary = shifts
    .map(
      (s) =>
        `${LABEL[s.parametrization]} ${LABEL[s.optimizer]}: optimum moves ${fmt2(s.spread)} grid steps (slope ${fmt2(s.slope)} in log2 lr per doubling of width)`,
    )
    .join("; ");
  return {
    verdict: verdict(checks, `${summary}.`),
    numbers,
    charts,
    tables: [optimaTable(shifts)],
    series: [pointSeries(points)],
    configurations: [],
    notes: [
      "Loss: the final training loss of each run (the mean batch loss of its last epoch); a diverged run counts as +infinity and is drawn as a gap.",
      "Optimal log2 lr: the grid point of least loss, moved to the vertex of the parabola through it and its two neighbours (at most half a grid step); at the first or last rate of the grid it stays there.",
      edges.length
        ? `The least loss is at the edge of the learning-rate grid for: ${edges.join(", ")} (the true optimum may lie outside the grid; the spread is then a lower bound).`
        : "Every optimum lies inside the learning-rate grid.",
    ],
  };
}

function fmt2(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : String(x);
}

function curveChart(s: TransferShift, points: readonly TransferPoint[]): ChartSpec {
  const mine = points.filter((p) => p.parametrization === s.parametrization && p.optimizer === s.optimizer);
  return {
    kind: "line",
    id: `loss-vs-lr-${s.parametrization}-${s.optimizer}`,
    title: `${LABEL[s.parametrization]}, ${LABEL[s.optimizer]}: training loss against log2 learning rate, one curve per width`,
    caption:
      s.parametrization === "mup"
        ? "Under muP the curves' minima line up (dotted lines: the optimum of each width, labelled with the width) and wider is lower."
        : "Under SP the minimum moves to smaller rates as width grows (dotted lines: the optimum of each width, labelled with the width).",
    x: { label: "log2 learning rate" },
    y: { label: "final training loss", log: true },
    series: s.widths.map((w) => ({
      name: `width ${w}`,
      points: mine
        .filter((p) => p.width === w)
        .sort((a, b) => a.lr - b.lr)
        .map((p) => [Math.log2(p.lr), p.loss !== null && Number.isFinite(p.loss) ? p.loss : null]),
    })),
    markLines: s.widths.flatMap((w, i) => {
      const o = s.optima[i];
      return o ? [{ axis: "x" as const, value: o.log2Lr, label: `${w}` }] : [];
    }),
  };
}

function optimumChart(shifts: TransferShift[]): ChartSpec {
  return {
    kind: "line",
    id: "optimum-vs-width",
    title: "Optimal log2 learning rate against log2 width",
    caption: `Flat under muP (a band of ${MUP_MAX_SPREAD} grid step is the rule); under SP a slope of -1 would mean the best rate halves each time the width doubles.`,
    x: { label: "log2 width" },
    y: { label: "optimal log2 lr" },
    series: shifts.map((s) => ({
      name: `${LABEL[s.parametrization]}, ${LABEL[s.optimizer]}`,
      points: s.widths.map((w, i) => [Math.log2(w), s.optima[i]?.log2Lr ?? null] as [number, number | null]),
    })),
  };
}

function optimaTable(shifts: TransferShift[]): TableSpec {
  return {
    id: "optima",
    title: "The optimum per width",
    columns: [
      "parametrization",
      "optimizer",
      "width",
      "optimal log2 lr",
      "grid point",
      "least loss",
      "at grid edge",
    ],
    rows: shifts.flatMap((s) =>
      s.widths.map((w, i) => {
        const o = s.optima[i];
        return [
          LABEL[s.parametrization],
          LABEL[s.optimizer],
          w,
          o?.log2Lr ?? null,
          o?.gridLog2Lr ?? null,
          o?.loss ?? null,
          o ? o.atEdge : null,
        ];
      }),
    ),
  };
}

function pointSeries(points: readonly TransferPoint[]): SeriesSpec {
  return {
    id: "runs",
    columns: ["parametrization", "optimizer", "width", "log2 lr", "final training loss"],
    rows: points.map((p) => [p.parametrization, p.optimizer, p.width, Math.log2(p.lr), p.loss]),
  };
}

/** The settings of a run the analysis reads. */
export type TransferConfig = Pick<TrainConfig, "parametrization" | "optimizer" | "hidden" | "lr" | "seed">;

/** A stored or freshly trained run as a transfer point (null: not a run of this experiment's grid). */
export function transferPoint(
  config: TransferConfig,
  status: string,
  trainLoss: number | null | undefined,
): TransferPoint | null {
  if (!PARAMS.includes(config.parametrization as Param) || !OPTIMIZERS.includes(config.optimizer as Opt))
    return null;
  return {
    parametrization: config.parametrization as Param,
    optimizer: config.optimizer as Opt,
    width: config.hidden[0],
    lr: config.lr,
    seed: config.seed,
    loss: status === "ok" && typeof trainLoss === "number" && Number.isFinite(trainLoss) ? trainLoss : null,
  };
}

export const mupTransferExperiment: Experiment = {
  name: "mup-transfer",
  order: 20,
  title: "Under muP the best learning rate of a narrow MLP is the best one of a wide MLP; under SP it moves",
  claim:
    "Training loss against learning rate, one curve per width: under the standard parametrization the optimal learning rate moves with width (Tensor Programs V, Fig. 1 and 3), under the maximal-update parametrization it stays within a factor 2, for SGD and for Adam.",
  source:
    "Yang et al. 2022, Tensor Programs V (arXiv:2203.03466), Fig. 1 and 3; Yang & Hu 2021 (arXiv:2011.14522). The parametrizations: src/nn/parametrization.ts, docs/parametrizations.md.",
  method: `MNIST, MLPs 784-n-n-10 (ReLU, He normal, zero biases; base width 64, so muP and SP are the same network at width 64), softmax cross-entropy, batch 64, SGD without momentum at log2 lr ${TRANSFER_LOG2_LR.sgd.join(", ")} and Adam at log2 lr ${TRANSFER_LOG2_LR.adam.join(", ")}, each at every width under SP and muP. The runs are a sweep (width x parametrization x seed, crossed with (optimizer, lr)) planned by the sweep planner; the same sweep file runs on the local pool or on Redis workers and 'initlab param transfer' gives this report from the store. Per width the optimal log2 lr is the least final training loss, refined by a parabola through its neighbours.`,
  rule: `Fixed before the run: under muP the optimal log2 learning rate moves by at most ${MUP_MAX_SPREAD} grid step (a factor 2) across the widths, for SGD and for Adam; under SP it moves by at least ${SP_MIN_SPREAD} grid step (how much is reported: the spread and the slope against log2 width). Each is a mean over seeds with its 95% t interval.`,
  sizes: {
    quick: `widths ${TRANSFER_WIDTHS.quick.join(", ")}; the first 10,000 / 2,000 images; 300 steps per run; ${(TRANSFER_LOG2_LR.sgd.length + TRANSFER_LOG2_LR.adam.length) * TRANSFER_WIDTHS.quick.length * 2} runs per seed`,
    full: `widths ${TRANSFER_WIDTHS.full.join(", ")}; 60,000 / 10,000 images; 1 epoch (938 steps) per run; ${(TRANSFER_LOG2_LR.sgd.length + TRANSFER_LOG2_LR.adam.length) * TRANSFER_WIDTHS.full.length * 2} runs per seed`,
  },
  // Seeds for 95% power on the check nearest its threshold (pilot seeds; scripts/seed-power.ts).
  seedCounts: { quick: 6, full: 5 },
  // CPU seconds of one quick seed (experiment run mup-transfer --quick --seeds 1 --jobs 1 --threads 1): orders the pool's queue.
  seedCost: 67,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const plan = planSweep(mupTransferSweep(ctx.quick, [ctx.seed]), { backend: ctx.backend.name });
    const points: TransferPoint[] = [];
    for (const [i, run] of plan.runs.entries()) {
      const c = run.config;
      const label = `${c.parametrization} ${c.optimizer} width ${c.hidden[0]} lr 2^${Math.log2(c.lr)}`;
      const r = await trainRun(ctx, label, i, plan.runs.length, c, { probeEvery: null });
      const f = r.record.final;
      const p = transferPoint(c, f.diverged ? "diverged" : "ok", f.trainLoss);
      if (p) points.push(p);
    }
    return transferResult(points);
  },
};

/**
 * This experiment's report from stored runs (`initlab param transfer`): the runs grouped by seed,
 * each seed analysed as the experiment analyses it, the seeds combined as the harness combines
 * them. Runs of other configurations are ignored.
 */
export function transferReport(
  runs: readonly { config: TransferConfig; status: string; trainLoss: number | null | undefined }[],
  info: { quick: boolean; backend: string; startedAt: string; seconds: number },
): ExperimentReport {
  const bySeed = new Map<number, TransferPoint[]>();
  for (const r of runs) {
    const p = transferPoint(r.config, r.status, r.trainLoss);
    if (!p) continue;
    const list = bySeed.get(p.seed) ?? [];
    list.push(p);
    bySeed.set(p.seed, list);
  }
  const seeds = [...bySeed.keys()].sort((a, b) => a - b);
  if (seeds.length === 0)
    throw new UserError("no run of the mup-transfer grid (sp/mup x sgd/adam) in this sweep");
  const results = seeds.map((s) => transferResult(bySeed.get(s) ?? []));
  // The report names the backend the runs were computed on; nothing else of a backend is used.
  const backend = { name: info.backend, threads: 1 } as unknown as Backend;
  return experimentReport(
    mupTransferExperiment,
    { quick: info.quick, seed: seeds[0], backend },
    seeds,
    results,
    info.startedAt,
    info.seconds,
  );
}
