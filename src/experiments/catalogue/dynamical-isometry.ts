/**
 * Experiment 15, "dynamical-isometry" (Pennington, Schoenholz & Ganguli 2017, "Resurrecting the
 * sigmoid in deep learning through dynamical isometry", arXiv:1711.04735). At the critical point
 * (chi = 1) the mean squared singular value of the input-output Jacobian is 1 at every depth, but
 * its spread is not: the variance of the squared singular values grows like L mu_2/mu_1^2 with
 * Gaussian weights and like L (mu_2/mu_1^2 - 1) with orthogonal ones (theory/jacobian-spectrum.ts).
 * Orthogonal tanh at a small q* stays close to isometric; ReLU, with mu_2/mu_1^2 = 2, cannot.
 * Networks that are isometric at initialization learn faster.
 *
 * The spectra are those of the paper's spectral-density figures (orthogonal vs Gaussian, tanh vs
 * ReLU, growing depth); the training comparison follows its learning-speed figure for deep tanh
 * networks (orthogonal at small q* fastest, Gaussian slower), with MNIST instead of CIFAR-10 and
 * smaller widths: the trend is compared, not the numbers.
 */

import { Network } from "../../nn/network.js";
import { instanceSeed, jacobianSpectrum, probeBatch } from "../../probe/index.js";
import type { ChartSpec } from "../../report/chart-spec.js";
import { fmt } from "../../report/format.js";
import type { Check } from "../../report/report-types.js";
import { criticalPointForQ } from "../../theory/index.js";
import { resolveConfig } from "../../train/config.js";
import { lossCurveChart, lossSeries } from "../harness/run-charts.js";
import { datasetFor, mnistSize, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { throwIfAborted } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

/** tanh's critical point is chosen with this fixed point q* (the paper's smallest, best-conditioned q*). */
export const Q_STAR = 1 / 64;

const TANH = { f: Math.tanh, df: (u: number) => 1 - Math.tanh(u) ** 2 };

/** The size of one run of the experiment. */
export interface IsometryPlan {
  /**
   * Width of the spectra's networks: 4 x the deepest depth. The free-probability moments are
   * limits of large width at fixed depth; when depth ~ width the product's spectrum becomes
   * log-normal (Hanin & Nica 2019, arXiv:1812.05994) and a width-N instance's Var(s^2) no longer
   * measures the spread (at width 64, depth 64, orthogonal ReLU measured mean s^2 0.08, Var 0.2
   * against the theory's 1 and 64: most singular values collapse to 0).
   */
  width: number;
  /** depths (hidden-to-hidden layers in J) of the spectra */
  depths: number[];
  /** inputs per Jacobian spectrum */
  inputs: number;
  /**
   * Network instances per (configuration, depth) and seed: their moments are averaged (Var(s^2)
   * of one instance is heavy-tailed; 4 instances per seed shrink its spread between seeds ~2x).
   */
  instances: number;
  /** hidden layers of the trained networks */
  trainDepth: number;
  trainWidth: number;
  steps: number;
  rates: number[];
  trainLimit: number | null;
}

export const PLANS: Record<"quick" | "full", IsometryPlan> = {
  quick: {
    width: 256,
    // The two depths the checks compare (each depth's networks have their own draws, so dropping
    // the former middle depth 32 left these bits unchanged): the spectra are 83% of a seed's time,
    // and the power rule asks for 5 seeds (docs/experiments.md, "How many seeds").
    depths: [8, 64],
    inputs: 2,
    instances: 4,
    trainDepth: 32,
    trainWidth: 64,
    steps: 150,
    rates: [0.01, 0.05],
    trainLimit: 10000,
  },
  full: {
    width: 800,
    depths: [10, 50, 100, 200],
    inputs: 2,
    instances: 4,
    trainDepth: 200,
    trainWidth: 200,
    steps: 2000,
    rates: [0.003, 0.01, 0.03],
    trainLimit: null,
  },
};

/** A configuration compared: weight and bias specs, and the input mean square that puts layer 1 at q* (tanh). */
export interface IsometryConfig {
  name: string;
  activation: string;
  init: string;
  biasInit: string;
  /** the probe inputs are scaled to this mean square (q1 = sigma_w^2 E[x^2] + sigma_b^2 = q*); null: as they are */
  inputSecond: number | null;
}

/** The initializations compared (tanh critical at q* = Q_STAR, orthogonal or Gaussian; ReLU orthogonal at sigma_w^2 = 2). */
export function configurations(): IsometryConfig[] {
  const { sigmaW2, sigmaB2 } = criticalPointForQ(TANH, Q_STAR);
  const sw = Math.sqrt(sigmaW2);
  const sb = Math.sqrt(sigmaB2);
  const inputSecond = (Q_STAR - sigmaB2) / sigmaW2;
  return [
    {
      name: "tanh, orthogonal",
      activation: "tanh",
      init: `orthogonal(gain=${sw})`,
      biasInit: `normal(std=${sb})`,
      inputSecond,
    },
    {
      name: "tanh, Gaussian",
      activation: "tanh",
      init: `variance_scaling(scale=${sigmaW2}, mode=fan_in, distribution=untruncated_normal)`,
      biasInit: `normal(std=${sb})`,
      inputSecond,
    },
    {
      name: "relu, orthogonal",
      activation: "relu",
      init: `orthogonal(gain=${Math.SQRT2})`,
      biasInit: "zeros",
      inputSecond: null,
    },
  ];
}

/** The rows of x (B x d) rescaled to mean square `second` each (a copy). */
export function scaleRows(x: Float32Array, B: number, d: number, second: number): Float32Array {
  const out = new Float32Array(B * d);
  for (let i = 0; i < B; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] ** 2;
    const f = s > 0 ? Math.sqrt((second * d) / s) : 0;
    for (let k = 0; k < d; k++) out[i * d + k] = x[i * d + k] * f;
  }
  return out;
}

/** Measured and predicted spectrum of one (configuration, depth). */
export interface SpectrumPoint {
  name: string;
  depth: number;
  meanSquare: number;
  variance: number;
  theoryMeanSquare: number | null;
  theoryVariance: number | null;
  max: number;
  min: number;
}

/** Steps from the loss curve: the mean training loss over the last quarter of the recorded steps. */
export function finalLoss(r: ProbedRun): number {
  const c = r.record.lossCurve;
  const tail = c.slice(Math.floor((3 * c.length) / 4));
  if (r.record.final.diverged || tail.length === 0) return Number.POSITIVE_INFINITY;
  let s = 0;
  for (const p of tail) s += p.loss ?? Number.POSITIVE_INFINITY;
  return s / tail.length;
}

/**
 * The checks of the rule (fixed before any run): spectra at the deepest and shallowest depth and
 * the best final losses over the rate grid.
 */
export function isometryChecks(points: SpectrumPoint[], loss: { orth: number; gauss: number }): Check[] {
  const depths = [...new Set(points.map((p) => p.depth))].sort((a, b) => a - b);
  const deep = depths[depths.length - 1];
  const at = (name: string, d: number) => points.find((p) => p.name === name && p.depth === d)!;
  const to = at("tanh, orthogonal", deep);
  const tg = at("tanh, Gaussian", deep);
  const ro = at("relu, orthogonal", deep);
  const tgShallow = at("tanh, Gaussian", depths[0]);
  const rel = (p: SpectrumPoint) =>
    p.theoryMeanSquare === null ? null : Math.abs(p.meanSquare / p.theoryMeanSquare - 1);
  return [
    check(`Var(s^2) Gaussian / orthogonal tanh, depth ${deep}`, tg.variance / to.variance, ">", 3, {
      scale: "log",
    }),
    check(
      `Var(s^2) Gaussian tanh, depth ${deep} / depth ${depths[0]}`,
      tg.variance / tgShallow.variance,
      ">",
      2,
      {
        scale: "log",
      },
    ),
    check(`|mean s^2 / theory - 1|, orthogonal tanh, depth ${deep}`, rel(to), "<", 0.2),
    check(`Var(s^2) orthogonal relu / depth, depth ${deep}`, ro.variance / deep, ">", 0.25),
    check(
      "final training loss, Gaussian / orthogonal tanh (best rate each)",
      loss.gauss / loss.orth,
      ">",
      1,
      {
        scale: "log",
      },
    ),
  ];
}

/** One seed of the experiment with the given plan (the registered experiment uses PLANS). */
export async function runIsometry(ctx: ExperimentContext, plan: IsometryPlan): Promise<ExperimentResult> {
  const configs = configurations();
  const base = resolveConfig({
    data: "mnist",
    preprocess: "standardize",
    seed: ctx.seed,
    backend: ctx.backend.name,
  });
  const dataset = await datasetFor(base);
  const batch = probeBatch(dataset, plan.inputs, ctx.seed);
  const points: SpectrumPoint[] = [];
  const total = configs.length * plan.depths.length;
  for (const [i, c] of configs.entries()) {
    for (const [j, depth] of plan.depths.entries()) {
      throwIfAborted(ctx);
      ctx.progress.run(`spectrum: ${c.name}, depth ${depth}`, i * plan.depths.length + j, total);
      const x =
        c.inputSecond === null ? batch.x : scaleRows(batch.x, batch.B, dataset.inputDim, c.inputSecond);
      // Instance 0 is the seed's own network; the others are re-initialized with instanceSeed.
      const spectra = Array.from({ length: plan.instances }, (_, k) => {
        const net = new Network(
          {
            sizes: [dataset.inputDim, ...new Array(depth + 1).fill(plan.width), dataset.numClasses],
            activation: c.activation,
            init: c.init,
            biasInit: c.biasInit,
          },
          { backend: ctx.backend },
        ).initialize(k === 0 ? ctx.seed : instanceSeed(ctx.seed, k));
        return jacobianSpectrum(net, x, batch.B, { inputs: plan.inputs, maxCost: Number.POSITIVE_INFINITY });
      });
      const mean = (f: (s: (typeof spectra)[number]) => number) =>
        spectra.reduce((a, s) => a + f(s), 0) / spectra.length;
      const theory = spectra[0].theory;
      points.push({
        name: c.name,
        depth,
        meanSquare: mean((s) => s.meanSquare),
        variance: mean((s) => s.variance),
        theoryMeanSquare: theory ? mean((s) => s.theory?.meanSquare ?? Number.NaN) : null,
        theoryVariance: theory ? mean((s) => s.theory?.variance ?? Number.NaN) : null,
        max: Math.max(...spectra.map((s) => s.max)),
        min: Math.min(...spectra.map((s) => s.min)),
      });
    }
  }
  const runs: ProbedRun[] = [];
  const trained = configs.flatMap((c) => plan.rates.map((lr) => ({ c, lr })));
  for (const [i, { c, lr }] of trained.entries()) {
    runs.push(
      await trainRun(
        ctx,
        `${c.name}, lr ${lr}`,
        i,
        trained.length,
        {
          data: "mnist",
          preprocess: "standardize",
          hidden: new Array(plan.trainDepth).fill(plan.trainWidth),
          activation: c.activation,
          init: c.init,
          biasInit: c.biasInit,
          optimizer: "sgd",
          momentum: 0.9,
          lr,
          batchSize: 64,
          seed: ctx.seed,
          lossEvery: 1,
          ...mnistSize(true, plan.steps, 1),
          trainLimit: plan.trainLimit,
          testLimit: 2000,
        },
        { probeEvery: null },
      ),
    );
  }
  const best = (name: string) => {
    const mine = runs.filter((r) => r.label.startsWith(`${name},`));
    return mine.reduce((a, r) => (finalLoss(r) < finalLoss(a) ? r : a), mine[0]);
  };
  const bestOrth = best("tanh, orthogonal");
  const bestGauss = best("tanh, Gaussian");
  const bestRelu = best("relu, orthogonal");
  const loss = { orth: finalLoss(bestOrth), gauss: finalLoss(bestGauss) };
  const checks = isometryChecks(points, loss);
  const charts: ChartSpec[] = [
    {
      kind: "line",
      id: "variance-depth",
      title: "Variance of the squared singular values of J against depth",
      caption:
        "Measured (solid) and free-probability theory (dashed): Gaussian weights spread the spectrum linearly with depth, orthogonal tanh at q* = 1/64 stays near 0, orthogonal ReLU grows like L.",
      x: { label: "layers in J" },
      y: { label: "Var(s^2)", log: true },
      series: configs.flatMap((c) => [
        {
          name: c.name,
          group: c.name,
          points: points
            .filter((p) => p.name === c.name)
            .map((p) => [p.depth, p.variance] as [number, number]),
        },
        {
          name: `${c.name} (theory)`,
          group: c.name,
          role: "theory" as const,
          points: points
            .filter((p) => p.name === c.name)
            .map((p) => [p.depth, p.theoryVariance] as [number, number | null]),
        },
      ]),
    },
    lossCurveChart(
      "loss-curves",
      `Training loss, ${plan.trainDepth} hidden layers of ${plan.trainWidth} (best rate of each)`,
      [bestOrth, bestGauss, bestRelu],
      {
        logY: true,
        caption: "Pennington et al.: networks that are isometric at initialization learn faster.",
      },
    ),
  ];
  return {
    verdict: verdict(
      checks,
      `depth ${plan.depths[plan.depths.length - 1]}: Var(s^2) ${configs.map((c) => `${c.name} ${fmt(points.filter((p) => p.name === c.name).at(-1)!.variance, 3)}`).join(", ")}; ` +
        `final loss tanh orthogonal ${fmt(loss.orth, 3)} vs Gaussian ${fmt(loss.gauss, 3)}.`,
    ),
    numbers: [
      ...points
        .filter((p) => p.depth === plan.depths[plan.depths.length - 1])
        .map((p) => ({ label: `Var(s^2), ${p.name}, depth ${p.depth}`, value: p.variance })),
      { label: "final training loss, tanh orthogonal", value: loss.orth },
      { label: "final training loss, tanh Gaussian", value: loss.gauss },
      { label: "final training loss, relu orthogonal", value: finalLoss(bestRelu) },
    ],
    charts,
    tables: [
      {
        id: "spectra",
        title: "Jacobian spectra at initialization, measured and predicted",
        columns: ["configuration", "depth", "mean s^2", "theory", "Var(s^2)", "theory", "max s", "min s"],
        rows: points.map((p) => [
          p.name,
          p.depth,
          p.meanSquare,
          p.theoryMeanSquare,
          p.variance,
          p.theoryVariance,
          p.max,
          p.min,
        ]),
      },
    ],
    series: [lossSeries("loss", runs)],
    configurations: runs.map(runConfiguration),
    notes: [
      `tanh at the critical point with q* = ${fmt(Q_STAR, 3)}: sigma_w^2 = 1/mu_1(q*), sigma_b^2 = q* - sigma_w^2 E[tanh(sqrt(q*) z)^2] (theory/jacobian-spectrum.ts criticalPointForQ); ReLU at sigma_w^2 = 2, no bias.`,
      `Width ${plan.width} for depths up to ${plan.depths[plan.depths.length - 1]} (depth / width <= 1/4): the theory is a large-width limit at fixed depth. At depth ~ width the spectrum of the product becomes log-normal (Hanin & Nica 2019, arXiv:1812.05994): an earlier version of this experiment measured at width 64 and depth 64, where orthogonal ReLU's mean s^2 was 0.08 and Var(s^2) 0.2 against the theory's 1 and 64 (most singular values near 0, far from isometric, but with a small variance), so its check on Var(s^2) was refuted by the regime, not by the claim.`,
      "J runs from the first hidden layer's activation to the last hidden layer's (the square stack); theory from the measured q of its first layer, by the length map after it. For tanh the probe images are rescaled (each to mean square (q* - sigma_b^2) / sigma_w^2) so that the first layer starts at q*, as the theory assumes; training uses the standardized images as they are.",
    ],
  };
}

export const dynamicalIsometryExperiment: Experiment = {
  name: "dynamical-isometry",
  order: 15,
  title: "Dynamical isometry: orthogonal vs Gaussian weights at the critical point, tanh vs ReLU",
  claim:
    "At the edge of chaos the mean squared singular value of the input-output Jacobian is 1, but its spread grows with depth: linearly and fast with Gaussian weights, slowly with orthogonal weights and tanh at a small q* (dynamical isometry). ReLU networks, even orthogonal, cannot be isometric. Isometric networks learn faster.",
  source:
    "Pennington, Schoenholz & Ganguli 2017, arXiv:1711.04735 (Sec. 2.5 moments, the spectral-density and learning-speed figures); 2018, arXiv:1802.09979.",
  method: `Spectra: J from the first to the last hidden layer at initialization on ${PLANS.quick.inputs} MNIST inputs, moments averaged over ${PLANS.quick.instances} network instances per seed, exact by backward products, singular values by one-sided Jacobi; tanh at the critical point with q* = 1/64 (orthogonal vs Gaussian), ReLU orthogonal at sigma_w^2 = 2; quick width ${PLANS.quick.width}, depths ${PLANS.quick.depths.join(", ")}; full width ${PLANS.full.width}, depths ${PLANS.full.depths.join(", ")}. Training: SGD momentum 0.9, batch 64, rates ${PLANS.quick.rates.join(", ")} (quick) / ${PLANS.full.rates.join(", ")} (full), the best rate of each configuration; quick ${PLANS.quick.trainDepth} x ${PLANS.quick.trainWidth}, ${PLANS.quick.steps} steps; full ${PLANS.full.trainDepth} x ${PLANS.full.trainWidth}, ${PLANS.full.steps} steps.`,
  rule: "At the deepest depth: (1) Var(s^2) of Gaussian tanh > 3 x orthogonal tanh; (2) Var(s^2) of Gaussian tanh at the deepest depth > 2 x at the shallowest; (3) the measured mean s^2 of orthogonal tanh within 20% of the free-probability theory (a Gaussian instance's mean s^2 is less concentrated: its standard error is about sqrt(Var(s^2) / width); it is reported, not checked); (4) orthogonal ReLU: Var(s^2) > depth / 4 (theory: depth; isometry would be ~0); (5) final training loss (mean of the last quarter of the steps, best rate of each) of Gaussian tanh > orthogonal tanh. Each over seeds with 95% t intervals (ratios on logs). The spectra's width is 4 x the deepest depth, inside the theory's large-width regime (changed from width 64 at depth 64, where the spectra collapse: see the notes).",
  sizes: {
    quick: `width ${PLANS.quick.width}, depths up to ${PLANS.quick.depths.at(-1)}; training ${PLANS.quick.trainDepth} x ${PLANS.quick.trainWidth}, ${PLANS.quick.steps} steps on 10,000 images, ${PLANS.quick.rates.length} rates x 3 configurations`,
    full: `width ${PLANS.full.width}, depths up to ${PLANS.full.depths.at(-1)}; training ${PLANS.full.trainDepth} x ${PLANS.full.trainWidth}, ${PLANS.full.steps} steps on 60,000 images, ${PLANS.full.rates.length} rates x 3 configurations`,
  },
  // Seeds for 95% power on the check nearest its threshold (pilot seeds; scripts/seed-power.ts).
  seedCounts: { quick: 5, full: 5 },
  // CPU seconds of one quick seed (experiment run dynamical-isometry --quick --seeds 1 --jobs 1 --threads 1): orders the pool's queue.
  seedCost: 55,
  run(ctx: ExperimentContext): Promise<ExperimentResult> {
    return runIsometry(ctx, ctx.quick ? PLANS.quick : PLANS.full);
  },
};
