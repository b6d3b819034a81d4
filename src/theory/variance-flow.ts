/**
 * Layer-by-layer variance of pre-activations, activations and gradients in a randomly initialized
 * MLP, predicted in the wide-layer (mean-field) approximation.
 *
 * Network: z_l = W_l a_{l-1} + b_l, a_l = phi_l(z_l), a_0 = x; W_l is fanOut_l x fanIn_l with iid
 * zero-mean entries of variance Var(W_l); b_l iid with mean 0 and variance Var(b_l); phi of the
 * output layer is usually the identity.
 *
 * Forward (Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural
 * networks", AISTATS; Poole et al. 2016, arXiv:1606.05340; the notes' "variance flow"):
 *   q_1 = n_1 Var(W_1) E[x^2] + Var(b_1),
 *   q_l = n_l Var(W_l) E[phi_{l-1}(z)^2 | z ~ N(0, q_{l-1})] + Var(b_l),   l > 1,   n_l = fanIn_l.
 * The pre-activation MEAN is E[b_l] whatever phi does (the weights have mean 0): 0 for random
 * zero-mean biases, and a deterministic bias (constant b) shifts every unit, z_l ~ N(b, q_l) with
 * q_l = n_l Var(W_l) E[a^2] + Var(b_l) the variance around it (the moments of phi are taken at that mean). But E[z^2] = sum_i E[w_i^2] E[a_i^2] involves the SECOND MOMENT E[a^2] = Var(a) + E[a]^2, not
 * Var(a): for sigmoid, E[a] ~ 1/2 and E[a^2] = Var(a) + ~1/4, so the textbook n Var(w) Var(x) would
 * badly underestimate q. Each layer also reports E[a], Var(a) = E[a^2] - E[a]^2 and E[a^2].
 *
 * Input: either the scalar E[x^2] (mean over features and examples of x_i^2) or an array with one
 * entry per example, m_e = mean over features of x_{e,i}^2. With the array, each example is
 * propagated on its own (given the example, z_1 ~ N(0, n_1 Var(W_1) m_e + Var(b_1)) across units)
 * and the per-layer statistics are averaged over examples at the end:
 *   Var(z_l) = mean_e q_l(e),  E[a_l^2] = mean_e E[phi(z)^2 | q_l(e)],  E[a_l] = mean_e E[phi | q_l(e)].
 * This is the correct prediction for non-isotropic data (z-scored MNIST: digits with many more or
 * fewer ink pixels than average); averaging first and then propagating is off by Jensen's
 * inequality wherever q -> E[phi(sqrt(q) z)^2] is curved (tanh: concave, so averaging first
 * overestimates deeper layers; relu: linear, no difference).
 *
 * Backward (Glorot & Bengio 2010; Schoenholz et al. 2017, arXiv:1611.01232, backpropagation), given
 * the (measured) variance of dL/dz at the output layer, under the usual independence approximation
 * (weights in the backward pass independent of those in the forward pass):
 *   dL/da_l = W_{l+1}^T dL/dz_{l+1}  =>  Var(dL/da_l) = fanOut_{l+1} Var(W_{l+1}) Var(dL/dz_{l+1}),
 *   dL/dz_l = phi_l'(z_l) * dL/da_l  =>  Var(dL/dz_l) = Var(dL/da_l) E[phi_l'(z_l)^2],
 * i.e. one factor chi_l = fanOut_{l+1} Var(W_{l+1}) E[phi_l'^2] per layer (chi_1 of mean-field theory
 * when fans and variances are equal). Per-example version: with per-example inputs each example's
 * own q_l(e) gives its own E[phi'^2 | q_l(e)], the product runs per example and the average over
 * examples comes last (mean of products, not product of means); a per-example output gradient
 * variance may be given too. Var(dL/dx) (the input gradient) is reported as `inputGradVar`.
 *
 * Cost: one Gaussian expectation (~1000 evaluations of phi) per layer and distinct example; pass a
 * sample of a few hundred to a few thousand examples rather than a whole data set.
 */
import { activationMoments } from "./moments.js";
import type { ScalarActivation } from "./types.js";

/** One dense layer of the MLP as theory sees it. */
export interface FlowLayer {
  /** number of inputs n_l (columns of W_l) */
  fanIn: number;
  /** number of units (rows of W_l) */
  fanOut: number;
  /** Var(W_l); the weights have mean 0 */
  weightVar: number;
  /** Var(b_l): the spread of the biases over units (random noise). Default 0. */
  biasVar?: number;
  /**
   * E[b_l]: a deterministic shift of every unit's pre-activation (a constant bias of -1 is mean -1
   * with variance 0, not sigma_b^2 = 1 of noise): z_l ~ N(E[b_l], q_l) across units. Default 0.
   */
  biasMean?: number;
  /** phi_l (identity for a linear read-out) */
  activation: ScalarActivation;
}

/** Predicted forward statistics of one layer (averaged over examples and units). */
export interface LayerForward {
  /** E[z] = E[b] (zero-mean weights; 0 unless the biases have a mean) */
  preactMean: number;
  /** Var(z) = E[z^2] = q_l */
  preactVar: number;
  /** E[a] = E[phi(z)] */
  actMean: number;
  /** E[a^2] = E[phi(z)^2] */
  actSecond: number;
  /** Var(a) = E[a^2] - E[a]^2 */
  actVar: number;
  /** E[phi'(z)^2] */
  derivSecond: number;
}

export interface ForwardFlow {
  layers: LayerForward[];
  /** per layer, q_l(e) for every example (null for a scalar input) */
  perExample: Float64Array[] | null;
  /** per layer, E[phi'(z)^2 | q_l(e)] for every example (null for a scalar input) */
  perExampleDerivSecond: Float64Array[] | null;
}

/** Predicted backward statistics of one layer. */
export interface LayerBackward {
  /** Var(dL/dz_l) */
  gradPreactVar: number;
  /** Var(dL/da_l); for the output layer Var(dL/dz_L) / E[phi_L'^2] (= Var(dL/dz_L) for identity) */
  gradActVar: number;
  /** Var(dL/dz_l) / Var(dL/dz_{l+1}) (NaN for the output layer) */
  chi: number;
}

export interface BackwardFlow {
  layers: LayerBackward[];
  /** Var(dL/dx) = fanOut_1 Var(W_1) Var(dL/dz_1) */
  inputGradVar: number;
}

function checkLayers(
  layers: readonly { fanIn: number; fanOut: number; weightVar: number; biasVar?: number }[],
) {
  if (layers.length === 0) throw new RangeError("a network needs at least one layer, got 0");
  layers.forEach((l, i) => {
    for (const key of ["fanIn", "fanOut"] as const) {
      if (!(Number.isInteger(l[key]) && l[key] >= 1)) {
        throw new RangeError(`layer ${i}: ${key} must be a positive integer, got ${l[key]}`);
      }
    }
    if (!(l.weightVar >= 0 && Number.isFinite(l.weightVar))) {
      throw new RangeError(`layer ${i}: weightVar must be finite and >= 0, got ${l.weightVar}`);
    }
    const bv = l.biasVar ?? 0;
    if (!(bv >= 0 && Number.isFinite(bv)))
      throw new RangeError(`layer ${i}: biasVar must be finite and >= 0, got ${bv}`);
    if (i > 0 && l.fanIn !== layers[i - 1].fanOut) {
      throw new RangeError(
        `layer ${i}: fanIn ${l.fanIn} does not match the fanOut ${layers[i - 1].fanOut} of layer ${i - 1}`,
      );
    }
  });
}

function toExamples(input: number | ArrayLike<number>): { values: Float64Array; scalar: boolean } {
  const values = typeof input === "number" ? Float64Array.of(input) : Float64Array.from(input);
  if (values.length === 0) throw new RangeError("per-example input moments: got an empty array");
  values.forEach((v, i) => {
    if (!(v >= 0 && Number.isFinite(v))) {
      throw new RangeError(
        `input second moment ${typeof input === "number" ? "" : `[${i}] `}must be finite and >= 0, got ${v}`,
      );
    }
  });
  return { values, scalar: typeof input === "number" };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/**
 * Forward recursion of the pre-activation variance and the activation moments, layer by layer
 * (formulas in the file doc). `input`: E[x^2] as one number, or one mean-square per example.
 */
export function forwardVarianceFlow(
  layers: readonly FlowLayer[],
  input: number | ArrayLike<number>,
): ForwardFlow {
  checkLayers(layers);
  const { values: m, scalar } = toExamples(input);
  const B = m.length;
  const out: LayerForward[] = [];
  const perQ: Float64Array[] = [];
  const perD: Float64Array[] = [];
  let prevSecond = m; // E[a_{l-1}^2 | e]
  for (const layer of layers) {
    const scale = layer.fanIn * layer.weightVar;
    const bv = layer.biasVar ?? 0;
    const mu = layer.biasMean ?? 0;
    const q = new Float64Array(B);
    const aMean = new Float64Array(B);
    const aSecond = new Float64Array(B);
    const dSecond = new Float64Array(B);
    for (let e = 0; e < B; e++) {
      q[e] = scale * prevSecond[e] + bv;
      const mo = activationMoments(layer.activation, mu, q[e]);
      aMean[e] = mo.mean;
      aSecond[e] = mo.second;
      dSecond[e] = mo.derivSecond;
    }
    const actMean = mean(aMean);
    const actSecond = mean(aSecond);
    out.push({
      preactMean: mu,
      preactVar: mean(q),
      actMean,
      actSecond,
      actVar: Math.max(0, actSecond - actMean * actMean),
      derivSecond: mean(dSecond),
    });
    perQ.push(q);
    perD.push(dSecond);
    prevSecond = aSecond;
  }
  return { layers: out, perExample: scalar ? null : perQ, perExampleDerivSecond: scalar ? null : perD };
}

/**
 * Backward recursion of the gradient variance (formulas in the file doc), from the variance of
 * dL/dz at the output layer: one number, or one per example (then `forward` must come from a
 * per-example input of the same length). With a per-example forward pass the products run per
 * example and are averaged at the end.
 */
export function backwardVarianceFlow(
  layers: readonly FlowLayer[],
  forward: ForwardFlow,
  outputGradVar: number | ArrayLike<number>,
): BackwardFlow {
  checkLayers(layers);
  if (forward.layers.length !== layers.length) {
    throw new RangeError(`forward flow has ${forward.layers.length} layers, the network ${layers.length}`);
  }
  const L = layers.length;
  const perD = forward.perExampleDerivSecond ?? forward.layers.map((l) => Float64Array.of(l.derivSecond));
  const B = perD[0].length;
  const vOut = toExamples(outputGradVar).values;
  if (vOut.length !== 1 && vOut.length !== B) {
    throw new RangeError(`outputGradVar has ${vOut.length} entries, the forward flow ${B} examples`);
  }
  const g = new Float64Array(B); // Var(dL/dz_l | e), starting at the output layer
  for (let e = 0; e < B; e++) g[e] = vOut.length === 1 ? vOut[0] : vOut[e];
  const res: LayerBackward[] = new Array(L);
  const dOut = forward.layers[L - 1].derivSecond;
  res[L - 1] = {
    gradPreactVar: mean(g),
    gradActVar: dOut > 0 ? mean(g) / dOut : Number.NaN,
    chi: Number.NaN,
  };
  for (let l = L - 2; l >= 0; l--) {
    const up = layers[l + 1];
    const factor = up.fanOut * up.weightVar;
    const above = mean(g);
    let gradAct = 0;
    for (let e = 0; e < B; e++) {
      const ga = factor * g[e]; // Var(dL/da_l | e)
      gradAct += ga;
      g[e] = ga * perD[l][e];
    }
    const gradPreactVar = mean(g);
    res[l] = { gradPreactVar, gradActVar: gradAct / B, chi: above > 0 ? gradPreactVar / above : Number.NaN };
  }
  return { layers: res, inputGradVar: layers[0].fanOut * layers[0].weightVar * mean(g) };
}

/** One layer of the linearized flow: phi(x) ~ offset + slope * x near 0. */
export interface LinearizedLayer {
  fanIn: number;
  fanOut: number;
  weightVar: number;
  biasVar?: number;
  /** s = phi'(0): 1 for tanh and identity, 1/4 for sigmoid */
  slope: number;
  /** c = phi(0): 0 for tanh, 1/2 for sigmoid */
  offset: number;
}

export interface LinearizedFlow {
  layers: (LayerForward & LayerBackward)[];
  inputGradVar: number;
}

/**
 * The notes' linearized variance flow (Glorot & Bengio 2010, who assume this regime; the notes: tanh(x) ~ x,
 * sigmoid(x) ~ 1/2 + x/4): replace phi by its tangent at 0, a ~ c + s z, so that
 *   E[a] = c, E[a^2] = c^2 + s^2 q, Var(a) = s^2 q, E[phi'^2] = s^2,
 *   q_1 = n_1 Var(W_1) E[x^2] + Var(b_1),  q_l = n_l Var(W_l) (s^2 q_{l-1} + c^2) + Var(b_l),
 *   Var(dL/dz_l) = fanOut_{l+1} Var(W_{l+1}) s_l^2 Var(dL/dz_{l+1}).
 * It is exact for the identity and accurate for tanh/sigmoid only while q is small: for tanh,
 * E[tanh(z)^2] = q - 2 q^2 + O(q^3), so the relative error of one layer is ~2q (about 2% at
 * q = 0.01, 19% at q = 0.1, and a factor 2.5 at q = 1, where E[tanh^2] = 0.394 but the tangent gives 1).
 * Compare with `forwardVarianceFlow` to see where the approximation holds and where it breaks.
 */
export function linearizedVarianceFlow(
  layers: readonly LinearizedLayer[],
  inputSecond: number,
  outputGradVar = 1,
): LinearizedFlow {
  checkLayers(layers);
  toExamples(inputSecond);
  const out: (LayerForward & LayerBackward)[] = [];
  let prevSecond = inputSecond;
  for (const l of layers) {
    const q = l.fanIn * l.weightVar * prevSecond + (l.biasVar ?? 0);
    const s2 = l.slope * l.slope;
    const actSecond = l.offset * l.offset + s2 * q;
    out.push({
      preactMean: 0,
      preactVar: q,
      actMean: l.offset,
      actSecond,
      actVar: s2 * q,
      derivSecond: s2,
      gradPreactVar: Number.NaN,
      gradActVar: Number.NaN,
      chi: Number.NaN,
    });
    prevSecond = actSecond;
  }
  const L = layers.length;
  let g = outputGradVar;
  out[L - 1].gradPreactVar = g;
  out[L - 1].gradActVar = out[L - 1].derivSecond > 0 ? g / out[L - 1].derivSecond : Number.NaN;
  for (let l = L - 2; l >= 0; l--) {
    const ga = layers[l + 1].fanOut * layers[l + 1].weightVar * g;
    const next = ga * out[l].derivSecond;
    out[l].gradActVar = ga;
    out[l].chi = g > 0 ? next / g : Number.NaN;
    out[l].gradPreactVar = next;
    g = next;
  }
  return { layers: out, inputGradVar: layers[0].fanOut * layers[0].weightVar * g };
}

/** The tangent of phi at 0 (slope phi'(0), offset phi(0)) for `linearizedVarianceFlow`. */
export function linearizationAtZero(act: ScalarActivation): { slope: number; offset: number } {
  return { slope: act.df(0), offset: act.f(0) };
}
