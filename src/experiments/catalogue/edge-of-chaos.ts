/**
 * Experiment 12, "edge-of-chaos": tanh networks over a (sigma_w^2, depth) grid on MNIST at
 * sigma_b^2 = 0.05; which ones train, against the mean-field prediction that a random network is
 * trainable up to a depth of about 6 xi_c (Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017,
 * "Deep Information Propagation", arXiv:1611.01232, Fig. 5). xi_c comes from src/theory.
 *
 * Beside it, the ReLU case at sigma_b^2 = 0: the length map q' = sigma_w^2 q / 2 has no finite
 * fixed point, the signal shrinks or grows as (sigma_w^2 / 2)^L, and the edge is the single point
 * sigma_w^2 = 2 (He et al. 2015; Hayou, Doucet & Rousseau 2019, arXiv:1902.06853). There is no
 * chaotic phase: the normalized correlation map of ReLU, C(c) = (sqrt(1 - c^2) + (pi - arccos c) c) / pi
 * (Cho & Saul 2009), does not depend on sigma_w^2 and drives every pair of inputs toward c = 1
 * (1 - c_l ~ 9 pi^2 / (2 l^2)), where tanh's chaotic phase holds them at c* < 1.
 */

import { Network } from "../../nn/network.js";
import { measureCorrelationMap, probeBatch } from "../../probe/index.js";
import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import { criticalSigmaW2, meanField } from "../../theory/index.js";
import { resolveConfig } from "../../train/config.js";
import { lossSeries } from "../harness/run-charts.js";
import { datasetFor, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import {
  type Experiment,
  type ExperimentContext,
  type ExperimentResult,
  throwIfAborted,
} from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";
import { tailLoss } from "./he2015-depth.js";

const SIGMA_B2 = 0.05;
const LN10 = Math.log(10);
const TRAINED = 0.8 * LN10;
const tanh = { name: "tanh", f: Math.tanh, df: (x: number) => 1 - Math.tanh(x) ** 2 };
/** ReLU's critical point (sigma_w^2, sigma_b^2) = (2, 0): the only one where the signal neither shrinks nor grows. */
export const RELU_CRITICAL = 2;
/** The ReLU columns (sigma_b^2 = 0). */
export const RELU_SW2 = { quick: [1, RELU_CRITICAL, 4], full: [0.5, 1, 1.41, RELU_CRITICAL, 2.83, 4, 8] };
/** sigma_w^2 at which "no chaotic phase" is checked: twice ReLU's critical value, deep in tanh's chaotic phase. */
export const RELU_ABOVE = 4;
/**
 * Rule (fixed before the run): the mean cosine similarity of input pairs at the last hidden layer
 * of the deepest ReLU network at sigma_w^2 = RELU_ABOVE, at initialization, is at least this. The
 * mean-field value is about 0.99 at depth 64 (1 - c_l ~ 9 pi^2 / (2 l^2)) for every sigma_w^2; a
 * chaotic phase would hold it at its c* < 1 (tanh at sigma_w^2 = 4, sigma_b^2 = 0.05: c* = 0.17).
 */
export const RELU_MIN_CORRELATION = 0.9;

interface Cell {
  sw2: number;
  depth: number;
  run: ProbedRun;
  loss: number;
  trained: boolean;
  predicted: boolean;
}

/** The theory must beat the best depth-only rule by this much agreement (fixed before the run). */
export const NULL_MARGIN = 0.1;

type CellOutcome = Pick<Cell, "sw2" | "depth" | "trained" | "predicted">;

/**
 * The best null rule that ignores sigma_w^2, "trains iff depth <= D" over every cut D (none,
 * each depth): its agreement with the cells, and the D that reaches it.
 */
export function bestDepthOnlyRule(cells: readonly CellOutcome[]): { agreement: number; depth: number } {
  const cuts = [0, ...new Set(cells.map((c) => c.depth))].sort((a, b) => a - b);
  let best = { agreement: -1, depth: 0 };
  for (const D of cuts) {
    const agreement = cells.filter((c) => c.trained === c.depth <= D).length / cells.length;
    if (agreement > best.agreement) best = { agreement, depth: D };
  }
  return best;
}

/** The deepest depth that trained among the cells whose sigma_w^2 passes `keep` (0: none). */
function deepestTrained(cells: readonly CellOutcome[], keep: (sw2: number) => boolean): number {
  return Math.max(0, ...cells.filter((c) => keep(c.sw2) && c.trained).map((c) => c.depth));
}

/**
 * Largest trained depth at the critical sigma_w^2 minus the largest at any sigma_w^2 a factor 2
 * or more away from it (> 0: the edge trains deepest).
 */
function criticalDepthMargin(cells: readonly CellOutcome[], crit: number): number {
  const far = (sw2: number) => Math.abs(Math.log(sw2 / crit)) >= Math.log(2) - 1e-12;
  return deepestTrained(cells, (w) => w === crit) - deepestTrained(cells, far);
}

/**
 * The verdict's checks (each can fail: test/experiments/edge-of-chaos.test.ts): agreement with
 * 6 xi_c; the margin over the best depth-only rule; the deepest trained depth at the critical
 * sigma_w^2 strictly above every column at least a factor 2 away from it.
 */
export function edgeChecks(cells: readonly CellOutcome[], crit: number) {
  const agreement = cells.filter((c) => c.trained === c.predicted).length / cells.length;
  return [
    check("fraction of cells where 'trains' agrees with 'depth < 6 xi_c'", agreement, ">=", 0.75),
    check(
      "agreement of 6 xi_c minus that of the best rule ignoring sigma_w^2 ('trains iff depth <= D')",
      agreement - bestDepthOnlyRule(cells).agreement,
      ">=",
      NULL_MARGIN,
    ),
    check(
      "largest trained depth at the critical sigma_w^2 minus the largest at any sigma_w^2 a factor >= 2 away",
      criticalDepthMargin(cells, crit),
      ">",
      0,
    ),
  ];
}

/**
 * The ReLU checks (each can fail: test/experiments/edge-of-chaos.test.ts): the deepest trained depth
 * at sigma_w^2 = 2 strictly above every ReLU column a factor >= 2 away (critical at 2), and the
 * correlation of input pairs at the deepest layer, at sigma_w^2 = 4, at least RELU_MIN_CORRELATION
 * (no chaotic phase).
 */
export function reluChecks(cells: readonly CellOutcome[], deepCorrelation: number | null) {
  const deepest = Math.max(...cells.map((c) => c.depth));
  return [
    check(
      `ReLU: largest trained depth at sigma_w^2 = ${RELU_CRITICAL} minus the largest at any sigma_w^2 a factor >= 2 away`,
      criticalDepthMargin(cells, RELU_CRITICAL),
      ">",
      0,
    ),
    check(
      `ReLU, sigma_w^2 = ${RELU_ABOVE}: cosine similarity of input pairs at hidden layer ${deepest}, at init (no chaotic phase)`,
      deepCorrelation,
      ">=",
      RELU_MIN_CORRELATION,
    ),
  ];
}

/** The trainability boundary of one sigma_w^2 column, fitted to its cells. */
export interface FittedBoundary {
  /** The geometric midpoint between the deepest depth the best cut keeps and the next depth of the grid; null when censored. */
  depth: number | null;
  /** "above": every depth of the grid trains (the boundary is deeper); "below": none does; null: inside the grid. */
  censored: "above" | "below" | null;
  /** The cut "trains iff depth <= D" that agrees best with the column's cells (0: none trains). */
  cut: number;
}

/**
 * The fitted boundary of one column: the cut "trains iff depth <= D" that agrees best with the
 * column's cells (the smaller D on a tie, so a stray deep success does not move it), and between
 * D and the next depth of the grid its geometric midpoint sqrt(D D'). Censored when D is the
 * grid's largest depth (above) or no depth trains (below).
 */
export function fittedBoundary(column: readonly CellOutcome[], depths: readonly number[]): FittedBoundary {
  const { depth: cut } = bestDepthOnlyRule(column);
  const sorted = [...depths].sort((a, b) => a - b);
  if (cut === 0) return { depth: null, censored: "below", cut };
  if (cut === sorted[sorted.length - 1]) return { depth: null, censored: "above", cut };
  const next = sorted[sorted.indexOf(cut) + 1];
  return { depth: Math.sqrt(cut * next), censored: null, cut };
}

/** x position (fractional column index) of sigma_w^2 among the grid's columns, linear in log sigma_w^2. */
function column(sw2: number, cols: number[]): number {
  const l = Math.log(sw2);
  for (let i = 0; i + 1 < cols.length; i++) {
    const a = Math.log(cols[i]);
    const b = Math.log(cols[i + 1]);
    if (l <= b) return i + (l - a) / (b - a);
  }
  return cols.length - 1;
}

export const edgeOfChaosExperiment: Experiment = {
  name: "edge-of-chaos",
  order: 12,
  title:
    "Schoenholz et al. 2017: the trainable depth of tanh networks follows 6 xi_c; ReLU's edge is the point sigma_w^2 = 2",
  claim:
    "Random tanh networks (weights N(0, sigma_w^2 / n), biases N(0, sigma_b^2)) can be trained up to a depth of about 6 xi_c, where xi_c is the mean-field depth scale of correlations; xi_c diverges at the order-to-chaos transition (chi_1 = 1, sigma_w^2 ~ 1.76 at sigma_b^2 = 0.05), so the deepest trainable networks sit at the edge of chaos. ReLU (sigma_b^2 = 0) has its edge at the single point sigma_w^2 = 2 and no chaotic phase: above 2 the signal explodes but inputs still become correlated with depth.",
  source:
    "Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, ICLR, arXiv:1611.01232, Figure 5 (MNIST, sigma_b^2 = 0.05); Poole et al. 2016, arXiv:1606.05340.",
  method:
    "tanh MLPs 784-W x depth-10 on standardized MNIST, weights variance_scaling(scale = sigma_w^2, fan_in, untruncated normal), biases N(0, 0.05), SGD lr 0.01 momentum 0.9, batch 64, a fixed number of steps per cell. A cell 'trains' when its training loss (mean batch loss over the last 50 steps) is below 0.8 ln 10. The theory (src/theory meanField) gives xi_c and 6 xi_c for every sigma_w^2; the critical sigma_w^2 is found by criticalSigmaW2. ReLU beside it: the same networks and training with ReLU, zero biases (sigma_b^2 = 0, ReLU's critical point is sigma_w^2 = 2), over a few sigma_w^2; at init, the correlation map of the deepest networks (src/probe/correlation-map.ts) on 16 pairs of training images.",
  rule: `Each over seeds (95% t interval; paired: the theory and the null rule judge the same cells): (1) In at least 75% of the grid's cells, 'trains' agrees with 'depth < 6 xi_c' (the boundary is 'about' 6 xi_c, so cells next to it may go either way). (2) The theory beats the best rule that ignores sigma_w^2 ('trains iff depth <= D', D chosen after the fact to fit the cells best) by at least ${NULL_MARGIN} in agreement. (3) The largest depth that trains at the critical sigma_w^2 is strictly larger than at every sigma_w^2 a factor 2 or more away from it (deep in the ordered or the chaotic phase). ReLU beside it (sigma_b^2 = 0): (4) the largest depth that trains at sigma_w^2 = ${RELU_CRITICAL} is strictly larger than at every ReLU sigma_w^2 a factor 2 or more away; (5) no chaotic phase: at the deepest depth and init, the mean cosine similarity of 16 pairs of inputs at the last hidden layer of the ReLU network with sigma_w^2 = ${RELU_ABOVE} is at least ${RELU_MIN_CORRELATION} (mean-field: about 0.99 for any sigma_w^2; tanh's chaotic phase would hold it near c* = 0.17).`,
  sizes: {
    quick:
      "W = 64, sigma_w^2 in {0.25, 0.5, 1, critical, 4, 16}, depths 4, 8, 16, 32, 64, 400 steps per cell, 5,000 training images (30 runs); ReLU at sigma_w^2 in {1, 2, 4} (15 runs)",
    full: "W = 128, sigma_w^2 in {0.25, 0.5, 0.75, 1, 1.25, critical, 2.5, 4, 8, 16}, depths 4, 8, 16, 32, 64, 128, 256, 2,000 steps per cell, 20,000 images (70 runs); ReLU at sigma_w^2 in {0.5, 1, 1.41, 2, 2.83, 4, 8} (49 runs)",
  },
  // CPU seconds of one quick seed (experiment run edge-of-chaos --quick --seeds 1 --jobs 1 --threads 1): orders the pool's queue.
  seedCost: 64,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const crit = criticalSigmaW2(tanh, SIGMA_B2);
    const sw2s = ctx.quick ? [0.25, 0.5, 1, crit, 4, 16] : [0.25, 0.5, 0.75, 1, 1.25, crit, 2.5, 4, 8, 16];
    const depths = ctx.quick ? [4, 8, 16, 32, 64] : [4, 8, 16, 32, 64, 128, 256];
    const width = ctx.quick ? 64 : 128;
    const size = ctx.quick
      ? { trainLimit: 5000, testLimit: 1000, maxSteps: 400, epochs: 1000 }
      : { trainLimit: 20000, testLimit: 2000, maxSteps: 2000, epochs: 1000 };
    const reluSw2s = ctx.quick ? RELU_SW2.quick : RELU_SW2.full;
    const total = (sw2s.length + reluSw2s.length) * depths.length;
    let i = 0;
    const train = async (act: "tanh" | "relu", sw2: number, depth: number) =>
      trainRun(
        ctx,
        `${act === "relu" ? "ReLU, " : ""}sigma_w^2 ${fmt(sw2, 3)}, depth ${depth}`,
        i++,
        total,
        {
          data: "mnist",
          preprocess: "standardize",
          hidden: new Array(depth).fill(width),
          activation: act,
          init: `variance_scaling(scale=${sw2}, mode=fan_in, distribution=untruncated_normal)`,
          biasInit: act === "tanh" ? `normal(std=${Math.sqrt(SIGMA_B2)})` : "zeros",
          optimizer: "sgd",
          lr: 0.01,
          momentum: 0.9,
          batchSize: 64,
          seed: ctx.seed,
          lossEvery: 5,
          ...size,
        },
        { probeEvery: null },
      );
    const cells: Cell[] = [];
    for (const sw2 of sw2s) {
      const td = meanField(tanh, sw2, SIGMA_B2).trainableDepth;
      for (const depth of depths) {
        const run = await train("tanh", sw2, depth);
        const loss = tailLoss(run);
        cells.push({ sw2, depth, run, loss, trained: loss < TRAINED, predicted: depth < td });
      }
    }
    const reluCells: Cell[] = [];
    for (const sw2 of reluSw2s) {
      for (const depth of depths) {
        const run = await train("relu", sw2, depth);
        const loss = tailLoss(run);
        // "predicted": the theory's edge is the point sigma_w^2 = 2 alone; away from it the signal
        // changes by (sigma_w^2 / 2)^depth, predicted trainable while that stays within a factor 10^3.
        const predicted = depth * Math.abs(Math.log10(sw2 / RELU_CRITICAL)) <= 3;
        reluCells.push({ sw2, depth, run, loss, trained: loss < TRAINED, predicted });
      }
    }
    // Correlations at init of the deepest networks (ReLU at every column, tanh at RELU_ABOVE).
    throwIfAborted(ctx);
    const deepest = depths[depths.length - 1];
    const base = resolveConfig({
      data: "mnist",
      preprocess: "standardize",
      seed: ctx.seed,
      backend: ctx.backend.name,
    });
    const dataset = await datasetFor(base);
    const pairs = 16;
    const batch = probeBatch(dataset, 2 * pairs, ctx.seed);
    const lastCorrelation = (act: "tanh" | "relu", sw2: number) => {
      const net = new Network(
        {
          sizes: [dataset.inputDim, ...new Array(deepest).fill(width), dataset.numClasses],
          activation: act,
          init: `variance_scaling(scale=${sw2}, mode=fan_in, distribution=untruncated_normal)`,
          biasInit: act === "tanh" ? `normal(std=${Math.sqrt(SIGMA_B2)})` : "zeros",
        },
        { backend: ctx.backend },
      ).initialize(ctx.seed);
      const map = measureCorrelationMap(net, batch.x, batch.B, { pairs });
      const last = map.layers[deepest - 1];
      return {
        c: Number.isFinite(last.c) ? last.c : null,
        predicted: last.predicted,
        first: map.layers[0].c,
      };
    };
    const reluCorr = reluSw2s.map((sw2) => ({ sw2, ...lastCorrelation("relu", sw2) }));
    const tanhAbove = lastCorrelation("tanh", RELU_ABOVE);
    const tanhCStar = meanField(tanh, RELU_ABOVE, SIGMA_B2).cStar;
    const reluAbove = reluCorr.find((r) => r.sw2 === RELU_ABOVE)?.c ?? null;
    const agree = cells.filter((c) => c.trained === c.predicted).length;
    const maxDepth = (sw2: number) => deepestTrained(cells, (w) => w === sw2);
    const nullRule = bestDepthOnlyRule(cells);
    const boundaries = sw2s.map((w) => ({
      sw2: w,
      theory: meanField(tanh, w, SIGMA_B2).trainableDepth,
      fit: fittedBoundary(
        cells.filter((c) => c.sw2 === w),
        depths,
      ),
    }));
    const checks = [...edgeChecks(cells, crit), ...reluChecks(reluCells, reluAbove)];
    const reluMax = (sw2: number) => deepestTrained(reluCells, (w) => w === sw2);
    const theory = Array.from(
      { length: 121 },
      (_, k) => sw2s[0] * (sw2s[sw2s.length - 1] / sw2s[0]) ** (k / 120),
    );
    const td = theory.map((w) => [w, meanField(tanh, w, SIGMA_B2).trainableDepth] as [number, number]);
    const depthIndex = (d: number) => Math.log2(d / depths[0]);
    const overlay: LineSeries = {
      name: "6 xi_c (theory)",
      role: "theory",
      markers: false,
      points: td.map(([w, d]) => [
        column(w, sw2s),
        Number.isFinite(d)
          ? Math.min(depths.length - 0.5, Math.max(-0.5, depthIndex(d)))
          : depths.length - 0.5,
      ]),
    };
    const charts: ChartSpec[] = [
      {
        kind: "heatmap",
        id: "grid",
        title:
          "Training loss over the last 50 steps, sigma_w^2 x depth, with the 6 xi_c curve (cf. Schoenholz et al. 2017, Fig. 5)",
        caption: `Dark = trained (low loss). The dashed curve is the theory's trainable depth 6 xi_c; sigma_w^2 = ${fmt(crit, 4)} is critical (chi_1 = 1).`,
        xLabel: "sigma_w^2",
        yLabel: "depth (hidden layers)",
        xLabels: sw2s.map((w) => fmt(w, 3)),
        yLabels: depths.map(String),
        values: depths.map((d) => sw2s.map((w) => cells.find((c) => c.sw2 === w && c.depth === d)!.loss)),
        valueLabel: "training loss",
        range: [0, LN10],
        overlay: [overlay],
        height: 460,
      },
      {
        kind: "heatmap",
        id: "grid-relu",
        title: `ReLU beside it (sigma_b^2 = 0): training loss over the last 50 steps, sigma_w^2 x depth`,
        caption: `The signal changes by (sigma_w^2 / 2)^depth: only sigma_w^2 = ${RELU_CRITICAL} (He) keeps it; there is no chaotic phase (every pair of inputs becomes correlated with depth, whatever sigma_w^2).`,
        xLabel: "sigma_w^2",
        yLabel: "depth (hidden layers)",
        xLabels: reluSw2s.map((w) => fmt(w, 3)),
        yLabels: depths.map(String),
        values: depths.map((d) =>
          reluSw2s.map((w) => reluCells.find((c) => c.sw2 === w && c.depth === d)!.loss),
        ),
        valueLabel: "training loss",
        range: [0, LN10],
        height: 460,
      },
      {
        kind: "line",
        id: "depth-curve",
        title: "Trainable depth: theory 6 xi_c and the deepest network that trained",
        caption:
          "Measured points are limited by the grid's largest depth and by the training budget. The fitted boundary of a column is the geometric midpoint between the deepest depth of its best 'trains iff depth <= D' cut and the next depth; a column where every depth trains (or none) is censored and has no point (see the table 'boundary').",
        x: { label: "sigma_w^2", log: true },
        y: { label: "depth", log: true, min: 1, max: 1e4 },
        series: [
          {
            name: "6 xi_c (theory)",
            role: "theory",
            points: td.map(([w, d]) => [w, Number.isFinite(d) ? d : null]),
          },
          { name: "deepest trained (measured)", points: sw2s.map((w) => [w, maxDepth(w) || null]) },
          {
            name: "fitted boundary (censored columns left out)",
            points: boundaries.map((b) => [b.sw2, b.fit.depth]),
          },
        ],
        markLines: [{ axis: "x", value: crit, label: "critical" }],
      },
    ];
    return {
      verdict: verdict(
        checks,
        `tanh: ${agree} of ${cells.length} cells (${pct(agree / cells.length)}) agree with 'depth < 6 xi_c'; deepest trained depth per sigma_w^2: ${sw2s.map((w) => `${fmt(w, 3)}: ${maxDepth(w) || "none"}`).join(", ")} (critical ${fmt(crit, 4)}). The best rule ignoring sigma_w^2 ('trains iff depth <= ${nullRule.depth}') agrees on ${pct(nullRule.agreement)}. ReLU: deepest trained per sigma_w^2: ${reluSw2s.map((w) => `${fmt(w, 3)}: ${reluMax(w) || "none"}`).join(", ")}; input pairs at depth ${deepest}, sigma_w^2 = ${RELU_ABOVE}: c = ${fmt(reluAbove, 3)} (tanh: ${fmt(tanhAbove.c, 3)}, its c* ${fmt(tanhCStar, 3)}).`,
      ),
      numbers: [
        { label: "critical sigma_w^2 (theory)", value: crit },
        { label: "agreement with depth < 6 xi_c", value: agree / cells.length },
        { label: "agreement of the best depth-only rule", value: nullRule.agreement },
        { label: "deepest trained at critical", value: maxDepth(crit) },
        { label: `ReLU: deepest trained at sigma_w^2 = ${RELU_CRITICAL}`, value: reluMax(RELU_CRITICAL) },
        ...reluCorr.map((r) => ({
          label: `ReLU, sigma_w^2 = ${fmt(r.sw2, 3)}: cosine similarity at hidden layer ${deepest} (init)`,
          value: r.c,
        })),
        ...reluCorr.map((r) => ({
          label: `ReLU, sigma_w^2 = ${fmt(r.sw2, 3)}: mean-field cosine similarity at hidden layer ${deepest}`,
          value: r.predicted,
        })),
        {
          label: `tanh, sigma_w^2 = ${RELU_ABOVE}: cosine similarity at hidden layer ${deepest} (init)`,
          value: tanhAbove.c,
        },
        { label: `tanh, sigma_w^2 = ${RELU_ABOVE}: mean-field c*`, value: tanhCStar },
      ],
      charts,
      tables: [
        {
          id: "boundary",
          title: "The fitted trainability boundary of each sigma_w^2 next to 6 xi_c (Schoenholz et al. 2017)",
          caption: `Censored: 'above' = every depth up to ${depths[depths.length - 1]} trained (the boundary is deeper), 'below' = not even depth ${depths[0]} trained.`,
          columns: ["sigma_w^2", "6 xi_c", "best cut D", "fitted boundary", "censored", "fitted / 6 xi_c"],
          rows: boundaries.map((b) => [
            b.sw2,
            Number.isFinite(b.theory) ? b.theory : fmt(b.theory),
            b.fit.cut,
            b.fit.depth,
            b.fit.censored ?? "no",
            b.fit.depth !== null && Number.isFinite(b.theory) ? b.fit.depth / b.theory : null,
          ]),
        },
        {
          id: "cells",
          title: "Every cell: theory and measurement",
          columns: [
            "sigma_w^2",
            "chi_1",
            "xi_c",
            "6 xi_c",
            "depth",
            "predicted trainable",
            "training loss (last 50 steps)",
            "trained",
            "test accuracy",
            "agree",
          ],
          rows: cells.map((c) => {
            const m = meanField(tanh, c.sw2, SIGMA_B2);
            return [
              c.sw2,
              m.chi1,
              m.xiC,
              m.trainableDepth,
              c.depth,
              c.predicted,
              c.loss,
              c.trained,
              c.run.record.final.testAccuracy,
              c.trained === c.predicted,
            ];
          }),
        },
        {
          id: "relu-cells",
          title: "ReLU (sigma_b^2 = 0): every cell",
          caption: `'predicted trainable': the signal's factor (sigma_w^2 / 2)^depth stays within 10^3 either way (the edge is the point sigma_w^2 = ${RELU_CRITICAL}; this line is drawn for reference, no check uses it).`,
          columns: [
            "sigma_w^2",
            "(sigma_w^2 / 2)^depth",
            "depth",
            "predicted trainable",
            "training loss (last 50 steps)",
            "trained",
            "test accuracy",
          ],
          rows: reluCells.map((c) => [
            c.sw2,
            (c.sw2 / RELU_CRITICAL) ** c.depth,
            c.depth,
            c.predicted,
            c.loss,
            c.trained,
            c.run.record.final.testAccuracy,
          ]),
        },
      ],
      series: [
        lossSeries(
          "loss",
          [...cells, ...reluCells].map((c) => c.run),
        ),
      ],
      configurations: [...cells, ...reluCells].map((c) => runConfiguration(c.run)),
      notes: [
        `Fitted boundary against 6 xi_c (seed ${ctx.seed}): ${boundaries.map((b) => `sigma_w^2 ${fmt(b.sw2, 3)}: ${b.fit.depth !== null ? `${fmt(b.fit.depth, 3)} vs ${fmt(b.theory, 3)} (ratio ${fmt(b.fit.depth / b.theory, 3)})` : `censored ${b.fit.censored} (6 xi_c = ${fmt(b.theory, 3)})`}`).join("; ")}.`,
        `Censored columns (the deepest depth of the grid, ${depths[depths.length - 1]}, trained, so the boundary is at least that deep): ${
          sw2s
            .filter((w) => maxDepth(w) === depths[depths.length - 1])
            .map((w) => fmt(w, 3))
            .join(", ") || "none"
        }.`,
        `The null baseline: the rule 'trains iff depth <= D' ignores sigma_w^2; its best D (${nullRule.depth}) is chosen after seeing the cells, which favours it. The theory must beat it by ${NULL_MARGIN} in agreement.`,
        "Trainability depends on the training budget: Schoenholz et al. trained much longer, and deep networks near criticality need many steps; with a short budget the measured boundary sits below 6 xi_c where 6 xi_c is large.",
        "Mean-field theory describes infinitely wide networks; ours have 64 (quick) or 128 (full) units per layer.",
        `ReLU has no chaotic phase: at depth ${deepest} and init, pairs of inputs have cosine similarity ${reluCorr.map((r) => `${fmt(r.c, 3)} at sigma_w^2 = ${fmt(r.sw2, 3)}`).join(", ")} (mean-field ${reluCorr.map((r) => fmt(r.predicted, 3)).join(", ")}; the first layer's pairs start at ${fmt(reluCorr[0]?.first ?? null, 3)}), while tanh at sigma_w^2 = ${RELU_ABOVE} has ${fmt(tanhAbove.c, 3)} (mean-field c* ${fmt(tanhCStar, 3)}). Above sigma_w^2 = ${RELU_CRITICAL} a ReLU network does not decorrelate its inputs: it multiplies their length by (sigma_w^2 / 2) per layer (exploding), which is why ReLU's edge is a point, not a line.`,
      ],
    };
  },
};
