/**
 * The input-output Jacobian of a network and its singular values (dynamical isometry: Saxe et al.
 * 2014, arXiv:1312.6120; Pennington, Schoenholz & Ganguli 2017, arXiv:1711.04735).
 *
 * What J is. The dense layers l = lo..hi map x_lo (the input of layer lo) to a_hi (the output of
 * layer hi); J = d a_hi / d x_lo = D_hi W_hi ... D_lo W_lo (rows = out(hi), cols = in(lo)),
 * D_l = diag(phi'(z_l)), evaluated at one input x. The default is Pennington et al.'s deep stack:
 * from the first hidden layer's activation (lo = 1) to the last hidden layer's (hi = H, H hidden
 * layers), H - 1 square factors for equal widths. `from: "input"` starts at the network input
 * (lo = 0), `to: "logits"` ends at the linear read-out (hi = the output layer).
 *
 * How it is computed, exactly: the input is repeated in a batch of R = rows copies, run forward
 * through layers 0..hi, and the backward pass of layers hi..lo is seeded with dA = I (row r of the
 * seed is e_r); row r of the layer-lo dX is then row r of J (a vector-Jacobian product per row, the
 * same Dense.backward the trainer runs). Cost per input: R forward rows and R backward rows through
 * layers 0..hi, about 6 R sum_l in_l out_l flops (the backward also computes dW, unused), plus the
 * singular values by one-sided Jacobi in float64 (src/math/singular-values.ts: about
 * 6 R^2 C flops per sweep, C = cols, ~8 sweeps for a spread spectrum). `jacobianCost` states it and
 * `jacobianSpectrum` refuses more than `maxCost` flops. The layers' cached tensors and gradients
 * are overwritten (as by any probe): call it between training steps, not inside one.
 *
 * Residual and normalized networks (docs/architectures.md): the same backward pass carries the skip
 * paths and the normalizations. A residual network's blocks add to the stream of the first hidden
 * layer, which the first hidden layer's activation does not capture, so J starts at the network
 * input there (the default; "first-hidden" is refused). BatchNorm runs in eval mode (running
 * averages) while J is computed: with batch statistics the R copies of one input would normalize to
 * zero, and a per-example Jacobian needs per-example normalization; LayerNorm is per example
 * anyway. The free-probability theory is for plain MLPs: null otherwise.
 */
import { UserError } from "../errors.js";
import type { FloatArray } from "../kernels/backend.js";
import { singularValues } from "../math/singular-values.js";
import { isPlain } from "../nn/architecture.js";
import type { Network } from "../nn/network.js";
import { jacobianSpectrumMoments, type SpectrumLayer, type SpectrumMoments } from "../theory/index.js";
import { type BinSpec, histogram } from "./histogram.js";
import type { Histogram } from "./types.js";

/** Where the Jacobian starts: the network input, or the first hidden layer's activation (the deep stack). */
export type JacobianFrom = "input" | "first-hidden";
/** Where it ends: the last hidden layer's activation, or the logits. */
export type JacobianTo = "last-hidden" | "logits";

/** The choices of `from`, the default first. */
export const JACOBIAN_FROM: readonly JacobianFrom[] = ["first-hidden", "input"];
/** The choices of `to`, the default first. */
export const JACOBIAN_TO: readonly JacobianTo[] = ["last-hidden", "logits"];

/** Refuse a Jacobian spectrum costing more than this many flops (about a minute on one slow core). */
export const JACOBIAN_MAX_COST = 3e10;

/** Singular values binned by log10: 81 bins of 0.05 decade centred on 10^-3 .. 10^1 (10^0 is the centre of bin 60). */
export const JACOBIAN_BINS: BinSpec = { scale: "log10abs", lo: -3.025, width: 0.05, bins: 81 };

/** Options of `jacobianSpectrum`. */
export interface JacobianOptions {
  /** inputs (rows of the batch, from the first) whose Jacobians are computed; default 4 */
  inputs?: number;
  from?: JacobianFrom;
  to?: JacobianTo;
  /** refuse above this many flops (default JACOBIAN_MAX_COST) */
  maxCost?: number;
  /** attach the free-probability prediction (valid at initialization; default true) */
  theory?: boolean;
}

/** The size and cost of a Jacobian spectrum (see the file's doc). */
export interface JacobianCost {
  /** first and last dense layer of the product */
  lo: number;
  hi: number;
  /** layers in the product (hi - lo + 1) */
  depth: number;
  rows: number;
  cols: number;
  inputs: number;
  /** estimated floating-point operations, all inputs */
  flops: number;
}

/** The prediction beside a measured spectrum: free probability at initialization (theory/jacobian-spectrum.ts). */
export interface JacobianTheory extends SpectrumMoments {
  /** the measured pre-activation second moment of layer lo the recursion starts from */
  q1: number;
  sigmaB2: number;
  /** false when a layer of the product is not square (the variance formula assumes N x N layers) */
  square: boolean;
}

/** The measured spectrum: singular values of J on each input, pooled. */
export interface JacobianSpectrum extends JacobianCost {
  from: JacobianFrom;
  to: JacobianTo;
  /** all singular values (min(rows, cols) per input), largest first */
  singularValues: number[];
  /** mean of s^2 = m_1 of J J^T */
  meanSquare: number;
  /** variance of s^2 over the pooled values = m_2 - m_1^2 */
  variance: number;
  max: number;
  min: number;
  /** per input: mean s^2, max s, min s */
  perInput: { meanSquare: number; max: number; min: number }[];
  histogram: Histogram;
  /** Jacobian entries that were NaN or infinite (their input's singular values are left out) */
  nonFinite: number;
  theory: JacobianTheory | null;
  seconds: number;
}

/** The default start of J: the first hidden layer's activation, the network input for a residual network. */
export function defaultJacobianFrom(net: Network): JacobianFrom {
  return net.blocks.length > 0 ? "input" : "first-hidden";
}

/** The dense layers lo..hi of the product for `from`/`to`; a UserError when the range is empty. */
export function jacobianRange(net: Network, from: JacobianFrom, to: JacobianTo): { lo: number; hi: number } {
  const nL = net.layers.length;
  if (from === "first-hidden" && net.blocks.length > 0)
    throw new UserError(
      "a residual network's blocks add to the first hidden layer's stream: its Jacobian starts at the input (--jacobian-from input)",
    );
  const lo = from === "input" ? 0 : 1;
  const hi = to === "logits" ? nL - 1 : nL - 2;
  if (hi < lo) {
    throw new UserError(
      `the Jacobian from ${from} to ${to} is empty for a network with ${nL - 1} hidden layer(s) ` +
        `(${net.sizes.join("-")}); use --jacobian-from input or --jacobian-to logits, or more hidden layers`,
    );
  }
  return { lo, hi };
}

/** The size and estimated cost of `jacobianSpectrum(net, ...)` with these options (see the file's doc). */
export function jacobianCost(net: Network, opts: JacobianOptions = {}, available = Infinity): JacobianCost {
  const { lo, hi } = jacobianRange(net, opts.from ?? defaultJacobianFrom(net), opts.to ?? "last-hidden");
  const rows = net.layers[hi].outDim;
  const cols = net.layers[lo].inDim;
  const inputs = Math.min(opts.inputs ?? 4, available);
  if (!(Number.isInteger(inputs) && inputs >= 1))
    throw new UserError(`the Jacobian needs at least 1 input, got ${inputs}`);
  let macs = 0;
  for (let l = 0; l <= hi; l++) macs += net.layers[l].inDim * net.layers[l].outDim;
  const m = Math.min(rows, cols);
  const n = Math.max(rows, cols);
  const flops = inputs * (6 * rows * macs + 8 * 6 * m * m * n);
  return { lo, hi, depth: hi - lo + 1, rows, cols, inputs, flops };
}

const seeds = new WeakMap<Network, FloatArray>();

/** The identity seed dA = I (R x R) in the network's dtype, kept per network (fast backends' buffers live as long as the backend). */
function identitySeed(net: Network, R: number): FloatArray {
  let s = seeds.get(net);
  if (!s || s.length < R * R) {
    s = net.dtype === "float64" ? new Float64Array(R * R) : net.backend.alloc(R * R);
    seeds.set(net, s);
  }
  s.fill(0, 0, R * R);
  for (let r = 0; r < R; r++) s[r * R + r] = 1;
  return s;
}

/**
 * The Jacobian of layers lo..hi at input row `i` of x (B x inputDim): a rows x cols Float64Array,
 * row-major (see the file's doc for the method), and the mean square of layer lo's pre-activations.
 */
export function jacobianAt(
  net: Network,
  x: FloatArray,
  i: number,
  lo: number,
  hi: number,
): { J: Float64Array; q: number } {
  const d = net.inputDim;
  const R = net.layers[hi].outDim;
  const mode = net.mode;
  if (net.norms.some((n) => n.kind === "batch")) net.mode = "eval";
  const input = net.inputBuffer(R);
  for (let r = 0; r < R; r++) for (let k = 0; k < d; k++) input[r * d + k] = x[i * d + k];
  let h: FloatArray = input;
  for (let l = 0; l <= hi; l++) h = net.layers[l].forward(h, R);
  const Z = net.layers[lo].Z;
  const width = net.layers[lo].outDim;
  let q = 0;
  for (let k = 0; k < width; k++) q += Z[k] * Z[k];
  let g: FloatArray = identitySeed(net, R);
  for (let l = hi; l >= lo; l--) g = net.layers[l].backward(g, true);
  net.mode = mode;
  const cols = net.layers[lo].inDim;
  const J = new Float64Array(R * cols);
  for (let k = 0; k < R * cols; k++) J[k] = g[k];
  return { J, q: q / width };
}

/** The theory's layers of the product lo..hi: sigma_w^2 and ensemble from the initializers' exact statistics. */
function theoryLayers(net: Network, lo: number, hi: number): { layers: SpectrumLayer[]; square: boolean } {
  const layers: SpectrumLayer[] = [];
  let square = true;
  for (let l = lo; l <= hi; l++) {
    const layer = net.layers[l];
    const dsc = net.weightInits[l].describe(layer.inDim, layer.outDim);
    const ortho = dsc.distribution === "orthogonal" || dsc.distribution === "identity";
    layers.push({
      sigmaW2: layer.inDim * (dsc.variance + dsc.mean * dsc.mean),
      ensemble: ortho ? "orthogonal" : "gaussian",
      act: layer.activation,
    });
    if (layer.inDim !== layer.outDim) square = false;
  }
  return { layers, square };
}

/**
 * The singular values of the network's input-output Jacobian on the first `inputs` rows of x
 * (B x inputDim), pooled: mean square, variance of the squares, max, min, a log10 histogram and,
 * at initialization, the free-probability prediction of the moments (theory/jacobian-spectrum.ts).
 * Throws a UserError when the estimated cost exceeds `maxCost`.
 */
export function jacobianSpectrum(
  net: Network,
  x: FloatArray,
  B: number,
  opts: JacobianOptions = {},
): JacobianSpectrum {
  const from = opts.from ?? defaultJacobianFrom(net);
  const to = opts.to ?? "last-hidden";
  const cost = jacobianCost(net, opts, B);
  const maxCost = opts.maxCost ?? JACOBIAN_MAX_COST;
  if (cost.flops > maxCost) {
    throw new UserError(
      `the Jacobian spectrum would cost about ${cost.flops.toPrecision(2)} flops ` +
        `(${cost.inputs} input(s), J ${cost.rows} x ${cost.cols} through ${cost.hi + 1} layers), ` +
        `over the limit ${maxCost.toPrecision(2)}; use fewer inputs, a narrower or shallower network, or raise --jacobian-max-cost`,
    );
  }
  const t0 = performance.now();
  const values: number[] = [];
  const perInput: JacobianSpectrum["perInput"] = [];
  let nonFinite = 0;
  let qSum = 0;
  for (let i = 0; i < cost.inputs; i++) {
    const { J, q } = jacobianAt(net, x, i, cost.lo, cost.hi);
    qSum += q;
    let bad = 0;
    for (let k = 0; k < J.length; k++) if (!Number.isFinite(J[k])) bad++;
    nonFinite += bad;
    if (bad > 0) continue;
    const s = singularValues(J, cost.rows, cost.cols).values;
    let ms = 0;
    for (const v of s) ms += v * v;
    perInput.push({ meanSquare: ms / s.length, max: s[0], min: s[s.length - 1] });
    for (const v of s) values.push(v);
  }
  values.sort((a, b) => b - a);
  let m1 = 0;
  let m2 = 0;
  for (const v of values) {
    m1 += v * v;
    m2 += v * v * v * v;
  }
  const n = values.length;
  m1 = n ? m1 / n : Number.NaN;
  m2 = n ? m2 / n : Number.NaN;
  let theory: JacobianTheory | null = null;
  if ((opts.theory ?? true) && isPlain(net.architecture)) {
    const { layers, square } = theoryLayers(net, cost.lo, cost.hi);
    const b = net.biasInit.describe(net.layers[cost.lo].inDim, net.layers[cost.lo].outDim);
    const sigmaB2 = b.variance + b.mean * b.mean;
    const q1 = qSum / cost.inputs;
    if (Number.isFinite(q1)) {
      const m = jacobianSpectrumMoments(layers, q1, sigmaB2);
      theory = square
        ? { ...m, q1, sigmaB2, square }
        : { ...m, variance: Number.NaN, normalizedVariance: Number.NaN, q1, sigmaB2, square };
    }
  }
  return {
    ...cost,
    from,
    to,
    singularValues: values,
    meanSquare: m1,
    variance: m2 - m1 * m1,
    max: n ? values[0] : Number.NaN,
    min: n ? values[n - 1] : Number.NaN,
    perInput,
    histogram: histogram(Float64Array.from(values), n, JACOBIAN_BINS),
    nonFinite,
    theory,
    seconds: (performance.now() - t0) / 1000,
  };
}
