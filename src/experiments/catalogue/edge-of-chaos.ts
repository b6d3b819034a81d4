/**
 * Experiment 12, "edge-of-chaos": tanh networks over a (sigma_w^2, depth) grid on MNIST at
 * sigma_b^2 = 0.05; which ones train, against the mean-field prediction that a random network is
 * trainable up to a depth of about 6 xi_c (Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017,
 * "Deep Information Propagation", arXiv:1611.01232, Fig. 5). xi_c comes from src/theory.
 */

import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import { criticalSigmaW2, meanField } from "../../theory/index.js";
import { lossSeries } from "../harness/run-charts.js";
import { type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";
import { tailLoss } from "./he2015-depth.js";

const SIGMA_B2 = 0.05;
const LN10 = Math.log(10);
const TRAINED = 0.8 * LN10;
const tanh = { name: "tanh", f: Math.tanh, df: (x: number) => 1 - Math.tanh(x) ** 2 };

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

/**
 * The verdict's checks (each can fail: test/experiments/edge-of-chaos.test.ts): agreement with
 * 6 xi_c; the margin over the best depth-only rule; the deepest trained depth at the critical
 * sigma_w^2 strictly above every column at least a factor 2 away from it.
 */
export function edgeChecks(cells: readonly CellOutcome[], crit: number) {
  const agreement = cells.filter((c) => c.trained === c.predicted).length / cells.length;
  const maxDepth = (keep: (sw2: number) => boolean) =>
    Math.max(0, ...cells.filter((c) => keep(c.sw2) && c.trained).map((c) => c.depth));
  const far = (sw2: number) => Math.abs(Math.log(sw2 / crit)) >= Math.log(2) - 1e-12;
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
      maxDepth((w) => w === crit) - maxDepth(far),
      ">",
      0,
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
  title: "Schoenholz et al. 2017: the trainable depth of tanh networks follows 6 xi_c",
  claim:
    "Random tanh networks (weights N(0, sigma_w^2 / n), biases N(0, sigma_b^2)) can be trained up to a depth of about 6 xi_c, where xi_c is the mean-field depth scale of correlations; xi_c diverges at the order-to-chaos transition (chi_1 = 1, sigma_w^2 ~ 1.76 at sigma_b^2 = 0.05), so the deepest trainable networks sit at the edge of chaos.",
  source:
    "Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, ICLR, arXiv:1611.01232, Figure 5 (MNIST, sigma_b^2 = 0.05); Poole et al. 2016, arXiv:1606.05340.",
  method:
    "tanh MLPs 784-W x depth-10 on standardized MNIST, weights variance_scaling(scale = sigma_w^2, fan_in, untruncated normal), biases N(0, 0.05), SGD lr 0.01 momentum 0.9, batch 64, a fixed number of steps per cell. A cell 'trains' when its training loss (mean batch loss over the last 50 steps) is below 0.8 ln 10. The theory (src/theory meanField) gives xi_c and 6 xi_c for every sigma_w^2; the critical sigma_w^2 is found by criticalSigmaW2.",
  rule: `Each over seeds (95% t interval; paired: the theory and the null rule judge the same cells): (1) In at least 75% of the grid's cells, 'trains' agrees with 'depth < 6 xi_c' (the boundary is 'about' 6 xi_c, so cells next to it may go either way). (2) The theory beats the best rule that ignores sigma_w^2 ('trains iff depth <= D', D chosen after the fact to fit the cells best) by at least ${NULL_MARGIN} in agreement. (3) The largest depth that trains at the critical sigma_w^2 is strictly larger than at every sigma_w^2 a factor 2 or more away from it (deep in the ordered or the chaotic phase).`,
  sizes: {
    quick:
      "W = 64, sigma_w^2 in {0.25, 0.5, 1, critical, 4, 16}, depths 4, 8, 16, 32, 64, 400 steps per cell, 5,000 training images (30 runs)",
    full: "W = 128, sigma_w^2 in {0.25, 0.5, 0.75, 1, 1.25, critical, 2.5, 4, 8, 16}, depths 4, 8, 16, 32, 64, 128, 256, 2,000 steps per cell, 20,000 images (70 runs)",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const crit = criticalSigmaW2(tanh, SIGMA_B2);
    const sw2s = ctx.quick ? [0.25, 0.5, 1, crit, 4, 16] : [0.25, 0.5, 0.75, 1, 1.25, crit, 2.5, 4, 8, 16];
    const depths = ctx.quick ? [4, 8, 16, 32, 64] : [4, 8, 16, 32, 64, 128, 256];
    const width = ctx.quick ? 64 : 128;
    const size = ctx.quick
      ? { trainLimit: 5000, testLimit: 1000, maxSteps: 400, epochs: 1000 }
      : { trainLimit: 20000, testLimit: 2000, maxSteps: 2000, epochs: 1000 };
    const cells: Cell[] = [];
    let i = 0;
    for (const sw2 of sw2s) {
      const td = meanField(tanh, sw2, SIGMA_B2).trainableDepth;
      for (const depth of depths) {
        const run = await trainRun(
          ctx,
          `sigma_w^2 ${fmt(sw2, 3)}, depth ${depth}`,
          i++,
          sw2s.length * depths.length,
          {
            data: "mnist",
            preprocess: "standardize",
            hidden: new Array(depth).fill(width),
            activation: "tanh",
            init: `variance_scaling(scale=${sw2}, mode=fan_in, distribution=untruncated_normal)`,
            biasInit: `normal(std=${Math.sqrt(SIGMA_B2)})`,
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
        const loss = tailLoss(run);
        cells.push({ sw2, depth, run, loss, trained: loss < TRAINED, predicted: depth < td });
      }
    }
    const agree = cells.filter((c) => c.trained === c.predicted).length;
    const maxDepth = (sw2: number) =>
      Math.max(0, ...cells.filter((c) => c.sw2 === sw2 && c.trained).map((c) => c.depth));
    const nullRule = bestDepthOnlyRule(cells);
    const boundaries = sw2s.map((w) => ({
      sw2: w,
      theory: meanField(tanh, w, SIGMA_B2).trainableDepth,
      fit: fittedBoundary(
        cells.filter((c) => c.sw2 === w),
        depths,
      ),
    }));
    const checks = edgeChecks(cells, crit);
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
        `${agree} of ${cells.length} cells (${pct(agree / cells.length)}) agree with 'depth < 6 xi_c'; deepest trained depth per sigma_w^2: ${sw2s.map((w) => `${fmt(w, 3)}: ${maxDepth(w) || "none"}`).join(", ")} (critical ${fmt(crit, 4)}). The best rule ignoring sigma_w^2 ('trains iff depth <= ${nullRule.depth}') agrees on ${pct(nullRule.agreement)}.`,
      ),
      numbers: [
        { label: "critical sigma_w^2 (theory)", value: crit },
        { label: "agreement with depth < 6 xi_c", value: agree / cells.length },
        { label: "agreement of the best depth-only rule", value: nullRule.agreement },
        { label: "deepest trained at critical", value: maxDepth(crit) },
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
      ],
      series: [
        lossSeries(
          "loss",
          cells.map((c) => c.run),
        ),
      ],
      configurations: cells.map((c) => runConfiguration(c.run)),
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
      ],
    };
  },
};
