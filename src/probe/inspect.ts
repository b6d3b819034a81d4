import { type Initializer, parseInit } from "../init/index.js";
import type { FloatArray } from "../kernels/backend.js";
import type { Loss } from "../nn/losses.js";
import type { Network } from "../nn/network.js";
import { criticalSigmaW2, meanField, type Phase, shiftedMeanField } from "../theory/index.js";
import { diagnose } from "./diagnose.js";
import { probeNetwork } from "./probe-network.js";
import { hiddenActivations, recommend } from "./recommend.js";
import type { Finding, ProbeSnapshot, Recommendation } from "./types.js";

/**
 * chi_1 within this of 1 is "critical" (the edge of chaos): |chi_1 - 1| <= 0.05 keeps the gradient
 * within a factor e over at least 1 / 0.05 = 20 layers (depth scale -1 / ln chi_1 >= 19.5), which is
 * deeper than the networks this tool builds by default. A judgement call, stated in docs/probes.md.
 */
export const CRITICAL_TOLERANCE = 0.05;

/**
 * The mean-field phase of a network's initialization (Poole et al. 2016, arXiv:1606.05340;
 * Schoenholz et al. 2017, arXiv:1611.01232), on a representative hidden layer (the second layer
 * when it is hidden-to-hidden, else the first): sigma_w^2 = fan_in E[W^2] and the bias's mean and
 * spread, all from the initializers' exact statistics (`describe`).
 */
export interface NetworkPhase {
  /** the representative layer's activation spec */
  activation: string;
  /** index of the representative layer */
  layer: number;
  sigmaW2: number;
  /** spread of the biases over units, Var(b) (the random part) */
  sigmaB2: number;
  /** mean of the biases: a deterministic shift (a constant bias), 0 for zero-mean random biases */
  biasMean: number;
  qStar: number;
  chi1: number;
  /** critical when |chi_1 - 1| <= tolerance */
  phase: Phase;
  tolerance: number;
  /** sigma_w^2 with chi_1 = 1 at this sigma_b^2 (zero-mean biases only), else NaN */
  criticalSigmaW2: number;
  /** about 6 xi_c layers (Schoenholz et al. 2017, Fig. 5); Infinity at criticality, NaN unknown */
  trainableDepth: number;
  /**
   * What the phase leaves out when the network is not a plain MLP (residual blocks, normalized
   * layers), in words; null for a plain MLP, where chi_1^depth is the whole story.
   */
  scope: string | null;
}

/**
 * The caveat of a one-layer mean-field phase on a residual or normalized network: the skip adds
 * to the stream, q_{b+1} = q_b + alpha^2 V_F(q_b) (docs/architectures.md), and a normalization
 * resets every layer's pre-activations to unit variance, so the forward signal's depth behaviour
 * is not chi_1^depth; the gradient of plain BatchNorm ReLU still grows by pi/(pi-1) per layer
 * toward the input (Yang et al. 2019, arXiv:1902.08129).
 */
export function phaseScope(arch: Pick<Network["architecture"], "residual" | "norm">): string | null {
  const parts: string[] = [];
  if (arch.residual > 0)
    parts.push(
      "it describes one dense layer of each residual branch: the skip adds to the stream, whose variance follows q_{b+1} = q_b + alpha^2 V_F(q_b) (the residual blocks table), not chi_1^depth",
    );
  if (arch.norm !== "none")
    parts.push(
      `every hidden layer is normalized (${arch.norm === "batch" ? "BatchNorm" : "LayerNorm"}), which resets its pre-activations to unit variance, so the forward signal cannot vanish or explode with depth whatever chi_1 says; the gradient still can (plain BatchNorm ReLU: x pi/(pi-1) = 1.47 per layer toward the input, Yang et al. 2019)`,
    );
  return parts.length ? parts.join("; ") : null;
}

/** What `inspect` returns: the measurement, the diagnosis, the recommendation and the phase. */
export interface Inspection {
  snapshot: ProbeSnapshot;
  /** every finding of the rules for this snapshot (docs/probes.md, "Diagnosis") */
  diagnosis: Finding[];
  /** the initializer for this network's activations, or null when there is none to give */
  recommendation: Recommendation | null;
  /** the mean-field phase of the initialization, or null (no hidden layer, or no theory answer) */
  phase: NetworkPhase | null;
  /**
   * the first hidden layer whose every unit is dead on the batch (ReLU, deadFraction = 1), or null:
   * no signal passes it, so whatever the initialization's phase said, the network is not critical
   */
  deadLayer: number | null;
}

/** Options of inspect(): the step, whether theory predicts, the last update norms, reused buffers. */
export interface InspectOptions {
  /** training step of the snapshot (default 0: at initialization) */
  step?: number;
  /** attach the theory's per-layer prediction (default: at step 0 only) */
  predict?: boolean;
  /** the optimizer's lastUpdateNorms (update-to-weight ratios); null before the first step */
  updateNorms?: ArrayLike<number> | null;
  /** scratch for dL/dlogits (B x outputs), reused between probes in training */
  dLogits?: FloatArray;
  /** mean input second moment of the batch when already known */
  inputSecond?: number;
}

/**
 * The init doctor in one call: probes `net` on the batch (forward, batch-mean `loss`, backward;
 * `probeNetwork`), runs the diagnosis rules, recommends an initializer for the network's
 * activations, and states the mean-field phase of its initialization. Used by the trainer's
 * probes, `initlab inspect`, the lab's worker and the experiments, so the words are the same
 * everywhere. "try --init X" is added to flow findings only at step 0 and only when X is not
 * already in use (nor the network at the edge of chaos). The recommendation and phase depend on
 * the network's specification only and are computed once per network.
 */
export function inspect(
  net: Network,
  batch: { x: FloatArray; y: Int32Array; B: number },
  loss: Loss,
  opts: InspectOptions = {},
): Inspection {
  const step = opts.step ?? 0;
  const snapshot = probeNetwork(net, batch.x, batch.y, batch.B, loss, {
    step,
    predict: opts.predict ?? step === 0,
    updateNorms: opts.updateNorms,
    dLogits: opts.dLogits,
    inputSecond: opts.inputSecond,
  });
  return assess(net, snapshot);
}

/** The second half of `inspect` for a snapshot already taken of `net`: diagnosis, recommendation, phase. */
export function assess(net: Network, snapshot: ProbeSnapshot): Inspection {
  const { recommendation, phase } = networkAdvice(net);
  const advice = snapshot.step === 0 && recommendation && !recommendation.inUse ? recommendation : null;
  const diagnosis = diagnose(snapshot, advice, { biasMean: phase?.biasMean ?? biasMeanOf(net) });
  const dead = snapshot.layers.slice(0, -1).find((l) => l.deadFraction === 1);
  return { snapshot, diagnosis, recommendation, phase, deadLayer: dead ? dead.index : null };
}

const cache = new WeakMap<Network, { recommendation: Recommendation | null; phase: NetworkPhase | null }>();

/**
 * The network's recommendation and phase (`networkRecommendation`, `networkPhase`): they depend on
 * its specification only (activations, sizes, initializers), so they are computed once per network.
 */
export function networkAdvice(net: Network): {
  recommendation: Recommendation | null;
  phase: NetworkPhase | null;
} {
  let c = cache.get(net);
  if (!c) {
    const phase = networkPhase(net);
    c = { phase, recommendation: networkRecommendation(net, phase) };
    cache.set(net, c);
  }
  return c;
}

function biasMeanOf(net: Network): number {
  return biasMoments(net).mean;
}

/**
 * The bias initializer's mean (a deterministic shift) and spread Var(b) (the random part), exact
 * from `describe`, averaged over the hidden layers (their fans may differ, e.g. torch_default_bias).
 */
function biasMoments(net: Network): { mean: number; spread: number } {
  const hidden = net.layers.length > 1 ? net.layers.slice(0, -1) : net.layers;
  let m = 0;
  let v = 0;
  for (const l of hidden) {
    const d = net.biasInit.describe(l.inDim, l.outDim);
    m += d.mean / hidden.length;
    v += d.variance / hidden.length;
  }
  return { mean: m, spread: v };
}

/** The representative hidden layer: the second layer when it is hidden-to-hidden, else the first. */
function representative(net: Network): number {
  return net.layers.length >= 3 ? 1 : 0;
}

/**
 * The mean-field phase of the network's initialization (see `NetworkPhase`): `meanField` for
 * zero-mean biases, `shiftedMeanField` when the bias initializer has a mean (a constant bias).
 * null without a hidden layer or when the theory has no answer (e.g. zero weights).
 */
export function networkPhase(net: Network, tolerance = CRITICAL_TOLERANCE): NetworkPhase | null {
  if (net.layers.length < 2) return null;
  const k = representative(net);
  const layer = net.layers[k];
  try {
    const w = net.weightInits[k].describe(layer.inDim, layer.outDim);
    const b = net.biasInit.describe(layer.inDim, layer.outDim);
    // After a data-dependent init (LSUV) the weights are no longer the initializer's draws: their
    // own second moment decides the phase (LSUV on tanh lands on the chaotic side, chi_1 ~ 1.18).
    const sigmaW2 = net.dataInit
      ? fanInSecondMoment(layer.W, layer.inDim)
      : layer.inDim * (w.variance + w.mean * w.mean);
    if (!(sigmaW2 > 0)) return null;
    const act = layer.activation;
    const base = {
      activation: act.spec,
      layer: k,
      sigmaW2,
      sigmaB2: b.variance,
      biasMean: b.mean,
      tolerance,
      scope: phaseScope(net.architecture),
    };
    if (b.mean !== 0) {
      const s = shiftedMeanField(act, sigmaW2, b.mean, b.variance, { tol: tolerance });
      return {
        ...base,
        qStar: s.qStar,
        chi1: s.chi1,
        phase: s.phase,
        criticalSigmaW2: Number.NaN,
        trainableDepth: 6 * s.xi,
      };
    }
    const mf = meanField(act, sigmaW2, b.variance, { tol: tolerance });
    return {
      ...base,
      qStar: mf.qStar,
      chi1: mf.chi1,
      phase: mf.phase,
      criticalSigmaW2: criticalSigmaW2(act, b.variance),
      trainableDepth: mf.trainableDepth,
    };
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** fan_in E[W^2] of a weight matrix's actual entries (sigma_w^2 of the weights as they are). */
export function fanInSecondMoment(W: ArrayLike<number>, fanIn: number): number {
  let s = 0;
  for (let k = 0; k < W.length; k++) s += W[k] * W[k];
  return (fanIn * s) / W.length;
}

/** Same distribution, mean and variance on a layer with these fans (relative 1e-9). */
function sameInit(a: Initializer, b: Initializer, fanIn: number, fanOut: number): boolean {
  if (a.spec === b.spec) return true;
  const da = a.describe(fanIn, fanOut);
  const db = b.describe(fanIn, fanOut);
  const close = (x: number, y: number) =>
    Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y), 1e-300);
  return da.distribution === db.distribution && close(da.mean, db.mean) && close(da.variance, db.variance);
}

/**
 * The recommendation for the network's own parsed activations and sizes (`recommend`), marked
 * `inUse` when every layer already has the recommended initializer (same spec, or the same
 * distribution and variance: he_normal = kaiming_normal(nonlinearity=relu)), or when the
 * initialization is critical (|chi_1 - 1| <= tolerance): then the advice is to keep it.
 */
export function networkRecommendation(
  net: Network,
  phase: NetworkPhase | null = networkPhase(net),
): Recommendation | null {
  let rec: Recommendation;
  const bias = biasMoments(net);
  try {
    rec = recommend(hiddenActivations(net), net.sizes, { biasVar: bias.spread });
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
  if (bias.mean !== 0) {
    rec = {
      ...rec,
      reason:
        `${rec.reason}. The bias init ${net.biasInit.spec} shifts every pre-activation by ${bias.mean} (a ` +
        `deterministic shift, not noise of variance ${(bias.mean * bias.mean).toPrecision(3)}); ` +
        (hiddenActivations(net).some((a) => a.family === "relu") && bias.mean < 0
          ? "with ReLU a negative shift turns units off layer after layer: use --bias-init zeros"
          : "the recommendation above assumes zero-mean biases (--bias-init zeros)"),
    };
  }
  const wanted = rec.layerInits.map(parseInit);
  const same = net.layers.every((l) =>
    sameInit(net.weightInits[l.index], wanted[Math.min(l.index, wanted.length - 1)], l.inDim, l.outDim),
  );
  if (same) {
    // The textbook init is in use, but with random biases it may sit off the edge of chaos (tanh +
    // xavier_uniform at sigma_b^2 = 0.05: chi_1 = 0.76): then the critical variance is the advice.
    const crit = rec.criticalSigmaW2;
    if (phase && phase.phase !== "critical" && crit !== null && phase.biasMean === 0) {
      const init = `variance_scaling(scale=${Number(crit.toPrecision(4))}, mode=fan_in, distribution=untruncated_normal)`;
      return {
        ...rec,
        init,
        layerInits: rec.layerInits.map(() => init),
        reason:
          `the init in use (${rec.init}) is the textbook choice, but with bias variance sigma_b^2 = ${phase.sigmaB2.toPrecision(3)} ` +
          `it puts this network in the ${phase.phase} phase (chi_1 = ${phase.chi1.toFixed(3)}); sigma_w^2 = ${crit.toPrecision(4)} ` +
          `is the edge of chaos (chi_1 = 1, Schoenholz et al. 2017). About ${rec.init}: ${rec.reason}`,
        inUse: false,
      };
    }
    return { ...rec, inUse: true };
  }
  if (phase && phase.phase === "critical" && phase.biasMean === 0) {
    const inUse = net.weightInits.every((w) => w.spec === net.weightInits[0].spec)
      ? net.weightInits[0].spec
      : net.weightInits.map((w) => w.spec).join(",");
    return {
      init: inUse,
      layerInits: net.weightInits.map((w) => w.spec),
      reason:
        `the initialization in use is at the edge of chaos: chi_1 = ${phase.chi1.toFixed(3)} (critical: within ` +
        `${phase.tolerance} of 1) with sigma_w^2 = ${phase.sigmaW2.toPrecision(4)}, sigma_b^2 = ${phase.sigmaB2.toPrecision(3)}, ` +
        "so signals and gradients keep their scale through depth (Poole et al. 2016; Schoenholz et al. 2017); keep it. " +
        `The textbook choice would be ${rec.init}: ${rec.reason}`,
      criticalSigmaW2: rec.criticalSigmaW2,
      inUse: true,
    };
  }
  return rec;
}
