/**
 * Experiment "lazy-training": how far training moves a network from its initialization as the
 * width grows. Under the NTK parametrization (Jacot et al. 2018, arXiv:1806.07572) training is
 * lazy (Chizat, Oyallon & Bach 2019, arXiv:1812.07956): the relative change of the hidden features
 * and of the hidden weights (spectral norm) vanishes like n^{-1/2}. Under muP (Yang & Hu 2021,
 * arXiv:2011.14522) both stay of order one: the features are learned at every width.
 *
 * The width exponent of a change c(n) is the least-squares slope of log2 c against log2 n, fitted
 * per seed (the harness combines the seeds into a mean with its 95% t interval). The rule is the
 * midpoint of the two theories' slopes (0 and -1/2).
 */
import type { ParametrizationName } from "../../nn/parametrization.js";
import type { LineChartSpec } from "../../report/chart-spec.js";
import { resolveConfig } from "../../train/config.js";
import { slope } from "../../train/coord-check.js";
import { type FeatureChange, featureChange } from "../../train/feature-change.js";
import { datasetFor } from "../harness/train-run.js";
import type {
  ChartSpec,
  Check,
  Experiment,
  ExperimentContext,
  ExperimentResult,
  KeyNumber,
} from "../harness/types.js";
import { throwIfAborted } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

/** Hidden widths (two hidden layers of this width); the first is the base width (NTK = muP = SP there). */
export const LAZY_WIDTHS = { quick: [64, 128, 256, 512, 1024], full: [64, 128, 256, 512, 1024, 2048, 4096] };
/** Training steps per run. */
export const LAZY_STEPS = { quick: 200, full: 1000 };
/** The theories' width exponents of the feature change and of the hidden weights' spectral change. */
export const THEORY_EXPONENT: Record<"ntk" | "mup", number> = { ntk: -0.5, mup: 0 };
/** Rule: an exponent below this follows NTK's -1/2, above it muP's 0 (the midpoint). */
export const LAZY_THRESHOLD = -0.25;

const PARAMS = ["ntk", "mup"] as const;
const LABEL = { ntk: "NTK", mup: "muP" } as const;

/** One run's changes. */
export interface LazyPoint {
  parametrization: (typeof PARAMS)[number];
  width: number;
  change: FeatureChange;
}

/** The three measures of a run the experiment fits: the last hidden layer's features, the hidden matrix's spectral and Frobenius change. */
const MEASURES = {
  feature: {
    label: "feature change ||h_T - h_0|| / ||h_0|| (last hidden layer)",
    of: (c: FeatureChange) => c.feature[c.feature.length - 1],
  },
  spectral: {
    label: "hidden weights' change ||W_T - W_0||_2 / ||W_0||_2 (hidden-to-hidden layer)",
    of: (c: FeatureChange) => c.weightSpectral[1],
  },
  frobenius: {
    label: "hidden weights' change ||W_T - W_0||_F / ||W_0||_F (hidden-to-hidden layer)",
    of: (c: FeatureChange) => c.weightFrobenius[1],
  },
} as const;
type Measure = keyof typeof MEASURES;

/** The width exponent of one measure under one parametrization (NaN when a value is not positive). */
export function widthExponent(
  points: readonly LazyPoint[],
  p: LazyPoint["parametrization"],
  m: Measure,
): number {
  const mine = points.filter((x) => x.parametrization === p).sort((a, b) => a.width - b.width);
  return slope(
    mine.map((x) => Math.log2(x.width)),
    mine.map((x) => Math.log2(MEASURES[m].of(x.change))),
  );
}

/** The width exponents the verdict of one seed is computed from, per parametrization. */
export type LazyExponents = Record<LazyPoint["parametrization"], { feature: number; spectral: number }>;

/**
 * The experiment's checks from one seed's width exponents: the exponent of the feature change and
 * of the hidden weights' spectral change is below `LAZY_THRESHOLD` under NTK (theory -1/2) and
 * above it under muP (theory 0); NTK's two checks first, then muP's.
 */
export function lazyChecks(e: LazyExponents): Check[] {
  return PARAMS.flatMap((p) =>
    (["feature", "spectral"] as const).map((m) =>
      check(
        `${LABEL[p]}: width exponent of the ${m === "feature" ? "feature change" : "hidden weights' spectral change"}`,
        e[p][m],
        p === "ntk" ? "<" : ">",
        LAZY_THRESHOLD,
      ),
    ),
  );
}

/** The experiment's result for one seed's runs. */
export function lazyResult(points: readonly LazyPoint[], steps: number): ExperimentResult {
  const checks = lazyChecks({
    ntk: {
      feature: widthExponent(points, "ntk", "feature"),
      spectral: widthExponent(points, "ntk", "spectral"),
    },
    mup: {
      feature: widthExponent(points, "mup", "feature"),
      spectral: widthExponent(points, "mup", "spectral"),
    },
  });
  const numbers: KeyNumber[] = PARAMS.flatMap((p) =>
    (Object.keys(MEASURES) as Measure[]).map((m) => ({
      label: `${LABEL[p]}: width exponent of the ${MEASURES[m].label}`,
      value: widthExponent(points, p, m),
    })),
  );
  const widths = [...new Set(points.map((x) => x.width))].sort((a, b) => a - b);
  const widest = widths[widths.length - 1];
  for (const p of PARAMS) {
    const w = points.find((x) => x.parametrization === p && x.width === widest);
    if (w)
      numbers.push({
        label: `${LABEL[p]}: feature change at width ${widest}`,
        value: MEASURES.feature.of(w.change),
      });
  }
  const charts: ChartSpec[] = [
    changeChart(points, "feature", true),
    changeChart(points, "spectral", true),
    changeChart(points, "frobenius", false),
  ];
  const e = (p: "ntk" | "mup", m: Measure) => widthExponent(points, p, m).toFixed(2);
  return {
    verdict: verdict(
      checks,
      `Feature change exponent: NTK ${e("ntk", "feature")}, muP ${e("mup", "feature")} (theory -0.5 and 0); hidden weights' spectral change: NTK ${e("ntk", "spectral")}, muP ${e("mup", "spectral")}.`,
    ),
    numbers,
    charts,
    tables: [
      {
        id: "changes",
        title: `Relative changes after ${steps} steps`,
        columns: [
          "parametrization",
          "width",
          "feature change, hidden 1",
          "feature change, hidden 2",
          "||dW||_2/||W0||_2 layer 1",
          "layer 2",
          "out",
          "||dW||_F/||W0||_F layer 1",
          "layer 2",
          "out",
        ],
        rows: points.map((x) => [
          LABEL[x.parametrization],
          x.width,
          ...x.change.feature,
          ...x.change.weightSpectral,
          ...x.change.weightFrobenius,
        ]),
      },
    ],
    series: [
      {
        id: "changes",
        columns: ["parametrization", "width", "measure", "layer", "relative change"],
        rows: points.flatMap((x) => [
          ...x.change.feature.map((v, l) => [x.parametrization, x.width, "feature", l, v]),
          ...x.change.weightSpectral.map((v, l) => [x.parametrization, x.width, "weight spectral", l, v]),
          ...x.change.weightFrobenius.map((v, l) => [x.parametrization, x.width, "weight Frobenius", l, v]),
        ]),
      },
    ],
    configurations: [],
    notes: [
      "Width exponent: the least-squares slope of log2(change) against log2(width) over the widths, fitted per seed.",
      "At the base width (the first) NTK and muP are the same network trained the same way (every multiplier is 1): their points coincide.",
      "The Frobenius change of the hidden n x n matrix has no check: training moves it along few directions (a low-rank update of a full-rank matrix), so its Frobenius ratio falls with width under muP as well (about n^{-1/2}; NTK about n^{-1}), while the spectral ratio, the one the theories speak of, does not.",
    ],
  };
}

function changeChart(points: readonly LazyPoint[], m: Measure, theory: boolean): LineChartSpec {
  const series: LineChartSpec["series"] = [];
  for (const p of PARAMS) {
    const mine = points.filter((x) => x.parametrization === p).sort((a, b) => a.width - b.width);
    if (mine.length === 0) continue;
    series.push({
      name: LABEL[p],
      points: mine.map((x) => [x.width, MEASURES[m].of(x.change)] as [number, number]),
    });
    if (theory) {
      const [w0, c0] = [mine[0].width, MEASURES[m].of(mine[0].change)];
      series.push({
        name: `${LABEL[p]} theory, slope ${THEORY_EXPONENT[p]}`,
        role: "theory",
        group: LABEL[p],
        points: mine.map((x) => [x.width, c0 * (x.width / w0) ** THEORY_EXPONENT[p]] as [number, number]),
      });
    }
  }
  return {
    kind: "line",
    id: `${m}-change`,
    title: `${MEASURES[m].label} against width`,
    caption: theory
      ? "Dashed: the theory's slope (NTK -1/2, muP 0) through the measured point at the base width."
      : "No theory line: see the notes.",
    x: { label: "width", log: true },
    y: { label: "relative change", log: true },
    series,
  };
}

export const lazyTrainingExperiment: Experiment = {
  name: "lazy-training",
  order: 21,
  title: "NTK training is lazy (features stop moving as width grows); muP learns features at every width",
  claim:
    "Under the NTK parametrization the relative change of the hidden features and of the hidden weights (spectral norm) over training vanishes as width grows, like n^{-1/2} (lazy training); under muP both stay of order one.",
  source:
    "Jacot, Gabriel & Hongler 2018 (arXiv:1806.07572); Chizat, Oyallon & Bach 2019 (arXiv:1812.07956); Yang & Hu 2021 (arXiv:2011.14522); Yang, Simon & Bernstein 2023 (arXiv:2310.17813) for the spectral norm.",
  method: `MNIST (first 10,000 images quick), MLPs 784-n-n-10 (ReLU, He normal, zero biases; base width 64), SGD lr 0.1 without momentum, batch 64, the same steps at every width under NTK and muP. Before and after training: the weights of every layer and the hidden activations on a fixed batch of 256 training images; the relative changes; their width exponents.`,
  rule: `Fixed before the run: the width exponent of the last hidden layer's feature change and of the hidden-to-hidden matrix's spectral change is below ${LAZY_THRESHOLD} under NTK (theory -1/2) and above ${LAZY_THRESHOLD} under muP (theory 0); ${LAZY_THRESHOLD} is the midpoint of the two theories. Each exponent is a mean over seeds with its 95% t interval.`,
  sizes: {
    quick: `widths ${LAZY_WIDTHS.quick.join(", ")}, ${LAZY_STEPS.quick} steps, 10 runs per seed`,
    full: `widths ${LAZY_WIDTHS.full.join(", ")}, ${LAZY_STEPS.full} steps on all 60,000 images, 14 runs per seed`,
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const widths = ctx.quick ? LAZY_WIDTHS.quick : LAZY_WIDTHS.full;
    const steps = ctx.quick ? LAZY_STEPS.quick : LAZY_STEPS.full;
    const points: LazyPoint[] = [];
    const total = widths.length * PARAMS.length;
    for (const parametrization of PARAMS) {
      for (const width of widths) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        throwIfAborted(ctx);
        ctx.progress.run(`${LABEL[parametrization]}, width ${width}`, points.length, total);
        const config = resolveConfig({
          data: "mnist",
          trainLimit: ctx.quick ? 10000 : null,
          testLimit: 100,
          hidden: [width, width],
          activation: "relu",
          init: "he_normal",
          optimizer: "sgd",
          lr: 0.1,
          momentum: 0,
          batchSize: 64,
          parametrization: parametrization as ParametrizationName,
          baseWidth: widths[0],
          probeBatch: 256,
          seed: ctx.seed,
          backend: ctx.backend.name,
        });
        const dataset = await datasetFor(config);
        points.push({ parametrization, width, change: featureChange(config, dataset, ctx.backend, steps) });
      }
    }
    return lazyResult(points, steps);
  },
};
