/**
 * Gains for every activation initlab has, computed, beside PyTorch's table value: the full report
 * (src/theory's quadrature for the gain, the stability of the fixed point, chi_1, E[phi]).
 * The gain kaiming_* uses is src/init/gain.ts `activationGain` (closed forms and a checked table,
 * so init needs neither nn nor theory); `gain` below is that value.
 *
 * Definition (the "fixed-point" or variance-preserving gain). A wide dense layer with zero-mean
 * weights W_ij ~ (0, g^2 / fan_in) and zero bias maps the second moment of its input to
 *   E[z_{l+1}^2] = g^2 E[phi(z_l)^2]                         (He et al. 2015, arXiv:1502.01852, eq. 10)
 * so with z_l ~ N(0, q) the deep-layer variance stays at q exactly when g^2 E[phi(z)^2] = q, i.e.
 *   g(q*) = sqrt(q* / E[phi(z)^2]),  z ~ N(0, q*),
 * which makes q* a fixed point of the length map q -> g^2 E[phi(sqrt(q) z)^2] (Poole et al. 2016,
 * arXiv:1606.05340). initlab normalises at q* = 1: unit-variance pre-activations, the scale of
 * standardized inputs, of LeCun et al. 1998 and of SELU's fixed point (Klambauer et al. 2017,
 * arXiv:1706.02515). Whether that fixed point attracts is the slope L'(1) of the length map
 * (< 1 stable, = 1 marginal for the homogeneous relu family, > 1 unstable: gelu and silu, whose map
 * has L(q)/q rising from g^2/4 at q -> 0 to g^2/2 at q -> infinity, so no zero-bias fixed point of
 * theirs is stable).
 *
 * The mean of phi: E[phi^2] = Var(phi) + E[phi]^2 is used whole, not Var(phi). With zero-mean
 * weights the mean of a layer's input does not shift the next pre-activations on average; it becomes
 * part of their variance (unit i gets a random offset sum_j W_ij E[phi], of variance g^2 E[phi]^2),
 * so it must be paid for in the second moment (sigmoid 0.5, softplus 0.806, relu 0.399 at q = 1).
 *
 * The "small-signal" gain g_0 = 1 / sqrt(E[phi'(z)^2]) as q -> 0: 1/|phi'(0)| for activations smooth
 * at 0 (tanh, softsign, hard_tanh, elu: 1; sigmoid 4, gelu, silu, softplus 2), the average slope for
 * kinked ones (relu sqrt(2), selu 0.6905). It is the gain that is critical (chi_1 = 1) for vanishing
 * signals, the tangent-line rule of Glorot & Bengio 2010 and of the notes' sigmoid factor 4; for
 * positively homogeneous phi it equals the fixed-point gain at every q.
 *
 * PyTorch's `calculate_gain` mixes conventions: relu, leaky_relu and linear are exact (homogeneous:
 * every convention agrees); tanh 5/3 is empirical (neither g(1) = 1.5925 nor g_0 = 1: with 5/3 a
 * deep tanh stack settles at q* = 1.178); selu 3/4 is empirical and deliberately below the
 * self-normalizing value 1 (PyTorch's docs: use 'linear' for Self-Normalizing Neural Networks);
 * sigmoid 1 is Glorot's default with no correction for the sigmoid at all.
 */
import { UserError } from "../errors.js";
import { activationGain, GAIN_NAMES, GAIN_NONLINEARITIES } from "../init/gain.js";
import { activationMoments, fixedPointGain } from "../theory/index.js";
import { ACTIVATION_NAMES, parseActivation } from "./activations.js";

/** Names PyTorch's table knows that are not activations of initlab (conv layers are linear maps). */
const LINEAR_LAYER_NAMES = GAIN_NONLINEARITIES.filter((n) => n.startsWith("conv"));

const TORCH_CONVENTION: Record<string, string> = {
  identity: "exact: the identity keeps E[z^2] with g = 1 (every convention agrees)",
  relu: "exact: E[relu(z)^2] = q/2 at every q, so g = sqrt(2) (He et al. 2015, eq. 10)",
  leaky_relu: "exact: E[phi(z)^2] = (1 + a^2) q / 2 at every q, so g = sqrt(2 / (1 + a^2))",
  prelu: "PyTorch has no 'prelu'; its recipe is leaky_relu with a = the initial slope: exact, as leaky_relu",
  tanh:
    "empirical (5/3): neither the fixed-point value g(1) nor the small-signal value 1; with 5/3 a deep tanh " +
    "stack settles at q* = 1.178 instead of 1",
  selu:
    "empirical (3/4): chosen below the self-normalizing value 1 for gradient stability (PyTorch's docs: use " +
    "nonlinearity='linear' for Self-Normalizing Neural Networks); with 3/4 a deep stack settles at q* = 0.023",
  sigmoid:
    "Glorot's default 1, with no correction for the sigmoid: a deep stack collapses to q* = 0.265 " +
    "(the fixed-point value is 1.846, the tangent-line value 4)",
};

export interface GainReport {
  /** canonical activation name (or PyTorch's name for conv layers) */
  name: string;
  /** the activation's parameter (leaky_relu/prelu slope, elu alpha), null if it takes none */
  param: number | null;
  /** the gain kaiming_*(nonlinearity=name) uses by default (convention "table") */
  gain: number;
  /** PyTorch's calculate_gain value, null where PyTorch has no such name */
  torch: number | null;
  /** what convention PyTorch's value follows, null where there is none */
  torchConvention: string | null;
  /** the variance-preserving gain at the fixed point q* = 1 and the fixed point's properties */
  fixedPoint: {
    gain: number;
    qStar: number;
    /** L'(q*): < 1 stable, 1 marginal (homogeneous phi), > 1 unstable */
    lengthMapSlope: number;
    stability: "stable" | "marginal" | "unstable";
    /** chi_1 = g^2 E[phi'(z)^2] at q*: per-layer factor of the gradient variance */
    chi1: number;
    /** E[phi(z)] at q*: paid for in E[phi^2] (see the file doc) */
    activationMean: number;
  };
  /** g_0 = 1 / sqrt(E[phi'(z)^2]) as q -> 0 */
  smallSignal: number;
  definition: string;
}

const DEFINITION =
  "fixedPoint.gain g = sqrt(q* / E[phi(z)^2]), z ~ N(0, q*), q* = 1: Var(W) = g^2 / fan_in keeps E[z^2] = 1 " +
  "through every layer (the mean of phi is included in E[phi^2]); smallSignal g_0 = 1 / sqrt(E[phi'(z)^2]) " +
  "as q -> 0 (1/|phi'(0)| where phi is smooth at 0); gain = PyTorch's value where PyTorch has the name, " +
  "else fixedPoint.gain";

const cache = new Map<string, GainReport>();

/**
 * The gains of one activation (`gelu`, `leaky_relu` with param 0.2, `elu` with alpha...): PyTorch's
 * table value, the fixed-point value at q* = 1 with its stability and chi_1, the small-signal value.
 * Throws a UserError naming the value on an unknown name or a parameter the activation does not take.
 */
export function gainReport(name: string, param?: number): GainReport {
  const n = name.toLowerCase();
  const key = `${n}|${param}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const report = LINEAR_LAYER_NAMES.includes(n) ? linearLayerReport(n) : computeReport(n, param);
  cache.set(key, report);
  return report;
}

function linearLayerReport(name: string): GainReport {
  const r = computeReport("identity", undefined);
  return { ...r, name, torchConvention: `exact: a ${name} layer is linear, g = 1 (every convention agrees)` };
}

function computeReport(name: string, param: number | undefined): GainReport {
  if (!GAIN_NAMES.includes(name)) {
    throw new UserError(`unknown nonlinearity "${name}"; valid: ${GAIN_NAMES.join(", ")}`);
  }
  if (param !== undefined && !Number.isFinite(param)) {
    throw new UserError(`the parameter of ${name} must be a finite number, got ${param}`);
  }
  const act = parseActivation(param === undefined ? name : `${name}(${param})`);
  const fp = fixedPointGain(act, 1);
  const slope = fp.lengthMapSlope;
  const stability = Math.abs(slope - 1) < 1e-9 ? "marginal" : slope < 1 ? "stable" : "unstable";
  const torch = act.torchGain;
  return {
    name: act.name,
    param: act.param,
    gain: activationGain(name, param),
    torch,
    torchConvention: torch === null ? null : (TORCH_CONVENTION[act.name] ?? null),
    fixedPoint: {
      gain: fp.gain,
      qStar: fp.qStar,
      lengthMapSlope: slope,
      stability,
      chi1: fp.chi1,
      activationMean: activationMoments(act, 0, fp.qStar).mean,
    },
    smallSignal: 1 / Math.sqrt(activationMoments(act, 0, 1e-200).derivSecond),
    definition: DEFINITION,
  };
}

/** initlab's activation names (without aliases and PyTorch's conv names): what `initlab gain` tables. */
export const GAIN_ACTIVATIONS: readonly string[] = ACTIVATION_NAMES;
