import { gatherRows } from "../data/gather.js";
import type { Dataset } from "../data/types.js";
import type { Backend } from "../kernels/backend.js";
import { meanInterval } from "../math/student-t.js";
import { getLoss } from "../nn/losses.js";
import type { ParametrizationName } from "../nn/parametrization.js";
import { probeBatch } from "../probe/probe-batch.js";
import { Rng } from "../tensor/rng.js";
import { resolveConfig, type TrainConfig } from "./config.js";
import { buildNetwork, makeOptimizer } from "./trainer.js";

/**
 * The coordinate check of the `mup` package (Yang et al. 2022, arXiv:2203.03466, sec. 4 and
 * Fig. 5): train networks of several widths for a few steps and measure, after each step, the
 * typical size of a coordinate of every layer's output (mean |z| over a fixed probe batch: the
 * hidden pre-activations and the logits) and of every layer's weight update
 * (||W_t - W_0||_F / ||W_0||_F). Under muP every such size is flat in width; under SP the logits
 * (and the hidden updates' effect) grow with width. The width exponent of a size s(n) is the
 * least-squares slope of log2 s against log2 n, fitted per seed and summarized over seeds.
 */
export interface CoordCheckOptions {
  /** The run settings every network shares (activation, init, optimizer, lr, data...). */
  base: Partial<TrainConfig>;
  widths: number[];
  /** Hidden layers of each network (all of the same width). */
  depth: number;
  steps: number;
  seeds: number[];
  parametrizations: ParametrizationName[];
  dataset: Dataset;
  backend: Backend;
}

/** One network of the coordinate check: its sizes after every step. */
export interface CoordSeries {
  parametrization: ParametrizationName;
  width: number;
  seed: number;
  /** [step][layer]: mean |z| of each layer's output (the last layer: the logits); step 0 is the initialization. */
  activation: number[][];
  /** [step][layer]: ||W_t - W_0||_F / ||W_0||_F (step 0: zeros). */
  update: number[][];
}

/** The width exponent of one size (a layer's activation or update) after the last step, over seeds. */
export interface ExponentFit {
  parametrization: ParametrizationName;
  layer: number;
  /** "activation" or "update" */
  what: "activation" | "update";
  /** One slope per seed, then their mean and a 95% t interval of the mean. */
  perSeed: number[];
  mean: number;
  low: number;
  high: number;
}

/** Everything a coordinate check measured, and the fitted exponents. */
export interface CoordCheckResult {
  options: { widths: number[]; depth: number; steps: number; seeds: number[]; lr: number; optimizer: string };
  series: CoordSeries[];
  /** Width exponents after the last step. */
  exponents: ExponentFit[];
}

/** Least-squares slope of y against x. */
export function slope(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

function meanAbs(a: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(a[i]);
  return s / n;
}

function relChange(w: ArrayLike<number>, w0: Float64Array): number {
  let d = 0;
  let z = 0;
  for (let i = 0; i < w0.length; i++) {
    d += (w[i] - w0[i]) ** 2;
    z += w0[i] ** 2;
  }
  return z > 0 ? Math.sqrt(d / z) : Math.sqrt(d);
}

/** Trains every (parametrization, width, seed) for `steps` steps and measures after each. */
export function coordCheck(o: CoordCheckOptions): CoordCheckResult {
  const series: CoordSeries[] = [];
  let lr = 0;
  let optimizer = "";
  for (const parametrization of o.parametrizations) {
    for (const width of o.widths) {
      for (const seed of o.seeds) {
        const config = resolveConfig({
          ...o.base,
          hidden: Array.from({ length: o.depth }, () => width),
          parametrization,
          seed,
          threads: null,
        });
        lr = config.lr;
        optimizer = config.optimizer;
        series.push(runOne(config, o, width, seed, parametrization));
      }
    }
  }
  const exponents: ExponentFit[] = [];
  const L = o.depth + 1;
  for (const parametrization of o.parametrizations) {
    for (const what of ["activation", "update"] as const) {
      for (let layer = 0; layer < L; layer++) {
        const perSeed = o.seeds.map((seed) => {
          const pts = o.widths.map((w) => {
            const s = series.find(
              (x) => x.parametrization === parametrization && x.width === w && x.seed === seed,
            );
            return s ? s[what][o.steps][layer] : Number.NaN;
          });
          return slope(
            o.widths.map((w) => Math.log2(w)),
            pts.map((p) => Math.log2(p)),
          );
        });
        exponents.push({ parametrization, layer, what, perSeed, ...meanInterval(perSeed) });
      }
    }
  }
  return {
    options: { widths: o.widths, depth: o.depth, steps: o.steps, seeds: o.seeds, lr, optimizer },
    series,
    exponents,
  };
}

function runOne(
  config: TrainConfig,
  o: CoordCheckOptions,
  width: number,
  seed: number,
  parametrization: ParametrizationName,
): CoordSeries {
  const { dataset, backend } = o;
  const net = buildNetwork(config, dataset, backend);
  const opt = makeOptimizer(config, net);
  const loss = getLoss(config.loss, dataset.targets);
  const probe = probeBatch(dataset, config.probeBatch, seed);
  const d = dataset.inputDim;
  const C = dataset.numClasses;
  const B = Math.min(config.batchSize, dataset.nTrain);
  const order = Rng.derive(seed, "shuffle").permutation(dataset.nTrain);
  const y = new Int32Array(B);
  const dLogits = backend.alloc(B * C);
  const w0 = net.layers.map((l) => Float64Array.from(l.W));
  const activation: number[][] = [];
  const update: number[][] = [];
  const measure = () => {
    net.forward(probe.x, probe.B);
    activation.push(net.layers.map((l) => meanAbs(l.Z, probe.B * l.outDim)));
    update.push(net.layers.map((l, i) => relChange(l.W, w0[i])));
  };
  measure();
  for (let t = 0; t < o.steps; t++) {
    const start = (t * B) % Math.max(1, dataset.nTrain - B + 1);
    gatherRows(dataset.trainX, dataset.trainY, d, order, start, B, net.inputBuffer(B), y);
    const logits = net.forwardInput(B);
    loss.forward(logits, y, B, C, dLogits);
    net.backward(dLogits);
    opt.step(config.lr);
    measure();
  }
  return { parametrization, width, seed, activation, update };
}

/** One claim of the coordinate check and what the measured exponents say of it. */
export interface CoordVerdict {
  claim: string;
  verdict: "confirmed" | "refuted" | "inconclusive";
  detail: string;
}

/** Rule, fixed before any run: a size is flat when its mean width exponent is within this of 0. */
export const FLAT_EXPONENT = 0.1;
/** Rule: SP's logits grow when their mean width exponent is at least this. */
export const GROWING_EXPONENT = 0.3;

/**
 * The verdicts of the issue's bar: under muP every layer's activation exponent after the last step
 * is within +-FLAT_EXPONENT of 0 (confirmed when every 95% interval lies inside, refuted when the
 * mean of any lies outside, inconclusive otherwise); under SP the logits' exponent is at least
 * GROWING_EXPONENT (confirmed when the interval lies above, refuted when the mean is below).
 */
export function coordVerdicts(r: CoordCheckResult): CoordVerdict[] {
  const out: CoordVerdict[] = [];
  const act = r.exponents.filter((e) => e.what === "activation");
  const mup = act.filter((e) => e.parametrization === "mup");
  if (mup.length > 0) {
    const outside = mup.filter((e) => Math.abs(e.mean) > FLAT_EXPONENT);
    const straddle = mup.filter((e) => e.low < -FLAT_EXPONENT || e.high > FLAT_EXPONENT);
    out.push({
      claim: `muP: every layer's coordinate size is flat in width (|exponent| <= ${FLAT_EXPONENT})`,
      verdict: outside.length > 0 ? "refuted" : straddle.length > 0 ? "inconclusive" : "confirmed",
      detail: mup
        .map((e) => `layer ${e.layer}: ${e.mean.toFixed(3)} [${e.low.toFixed(3)}, ${e.high.toFixed(3)}]`)
        .join("; "),
    });
  }
  const spLogits = act.find((e) => e.parametrization === "sp" && e.layer === r.options.depth);
  if (spLogits) {
    out.push({
      claim: `SP: the logits grow with width (exponent >= ${GROWING_EXPONENT})`,
      verdict:
        spLogits.mean < GROWING_EXPONENT
          ? "refuted"
          : spLogits.low >= GROWING_EXPONENT
            ? "confirmed"
            : "inconclusive",
      detail: `${spLogits.mean.toFixed(3)} [${spLogits.low.toFixed(3)}, ${spLogits.high.toFixed(3)}]`,
    });
  }
  return out;
}
