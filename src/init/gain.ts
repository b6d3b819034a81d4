/**
 * Recommended gains: the factor by which a nonlinearity's weights are scaled so that the
 * second moment of the signal is kept from layer to layer. PyTorch's
 * `torch.nn.init.calculate_gain` table, exactly (PyTorch 1.13 - 2.x), plus "identity" as a
 * synonym of "linear".
 */
import { UserError } from "../errors.js";
import { SELU_ALPHA, SELU_LAMBDA } from "../math/selu.js";
import { normalCdf, normalPdf } from "../math/special.js";

/** Every nonlinearity name `calculateGain` accepts. */
export const GAIN_NONLINEARITIES: readonly string[] = [
  "linear",
  "identity",
  "conv1d",
  "conv2d",
  "conv3d",
  "conv_transpose1d",
  "conv_transpose2d",
  "conv_transpose3d",
  "sigmoid",
  "tanh",
  "relu",
  "leaky_relu",
  "selu",
];

/**
 * gain(nonlinearity):
 * - linear, identity, conv*, conv_transpose*, sigmoid: 1
 * - tanh: 5/3 (an empirical value, PyTorch docs)
 * - relu: sqrt(2) (He et al. 2015, arXiv:1502.01852, eq. 10: ReLU halves E[z^2])
 * - leaky_relu: sqrt(2 / (1 + a^2)), default slope a = 0.01 (He et al. 2015, eq. 15 for PReLU)
 * - selu: 3/4 (PyTorch's choice: SELU with this gain and Kaiming fan_in keeps the variance near 1)
 * `param` is the negative slope of leaky_relu; PyTorch ignores it for every other name.
 */
export function calculateGain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "identity":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.sqrt(2);
    case "leaky_relu":
      return leakyReluGain(param);
    case "selu":
      return 3 / 4;
    default:
      throw new UserError(`unknown nonlinearity "${nonlinearity}"; valid: ${GAIN_NONLINEARITIES.join(", ")}`);
  }
}

function leakyReluGain(param: number | undefined): number {
  const slope = param ?? 0.01;
  if (typeof slope !== "number" || !Number.isFinite(slope)) {
    throw new UserError(`negative_slope ${slope} is not valid for leaky_relu: expected a finite number`);
  }
  return Math.sqrt(2 / (1 + slope * slope));
}

/** How kaiming_* turns a nonlinearity into a gain (its `gain` argument). */
export type GainConvention = "table" | "auto" | "small_signal";
/**
 * table: PyTorch's value for PyTorch's names (parity with torch), the fixed-point value for the
 * names PyTorch lacks; auto: always the fixed-point value; small_signal: g_0 (see activationGain).
 */
export const GAIN_CONVENTIONS: readonly GainConvention[] = ["table", "auto", "small_signal"];

/** initlab's activation aliases (src/nn/activations.ts; a test keeps the two lists equal). */
const ALIASES: Record<string, string> = {
  linear: "identity",
  none: "identity",
  logistic: "sigmoid",
  leakyrelu: "leaky_relu",
  swish: "silu",
  hardtanh: "hard_tanh",
};
/** Default parameters: leaky_relu and prelu slopes, elu's alpha (as src/nn/activations.ts). */
const DEFAULT_PARAM: Record<string, number> = { leaky_relu: 0.01, prelu: 0.25, elu: 1 };

/**
 * Fixed-point gains 1 / sqrt(E[phi(z)^2]), z ~ N(0, 1), of the activations without a closed form,
 * as src/theory computes them (numericGain, composite Gauss-Legendre to ~1e-14); the test
 * test/init/activation-gain.test.ts checks each against theory to 1e-12 and against Gauss-Hermite.
 */
const FIXED_POINT_NUMERIC: Record<string, number> = {
  tanh: 1.59253741972283,
  sigmoid: 1.8462285453386054,
  softsign: 2.33753336310854,
  softplus: 1.041866835535302,
  gelu: 1.5335304411955346,
  silu: 1.6765324703310907,
};
/** Small-signal gains 1 / |phi'(0)| of the activations smooth at 0. */
const SMALL_SIGNAL: Record<string, number> = {
  identity: 1,
  tanh: 1,
  softsign: 1,
  hard_tanh: 1,
  sigmoid: 4,
  softplus: 2,
  gelu: 2,
  silu: 2,
};

/** E[(e^z - 1)^2 1{z < 0}], z ~ N(0, 1) = e^2 Phi(-2) - 2 e^{1/2} Phi(-1) + 1/2 (truncated-normal moments). */
const ELU_NEGATIVE_SECOND = Math.exp(2) * normalCdf(-2) - 2 * Math.exp(0.5) * normalCdf(-1) + 0.5;

/** Every name `activationGain` (and kaiming's nonlinearity) accepts: activations, aliases, PyTorch's names. */
export const GAIN_NAMES: readonly string[] = [
  ...new Set([
    ...Object.keys(SMALL_SIGNAL),
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    ...Object.keys(ALIASES),
    ...GAIN_NONLINEARITIES,
  ]),
];

/**
 * The gains of initlab's activations, without quadrature (closed forms, or the table above):
 * - fixed point (variance-preserving at q* = 1): g = 1 / sqrt(E[phi(z)^2]), z ~ N(0, 1), the mean
 *   of phi included (He et al. 2015, arXiv:1502.01852, eq. 10; the fixed point of the length map of
 *   Poole et al. 2016, arXiv:1606.05340): identity 1, relu sqrt(2), leaky_relu / prelu with slope a
 *   sqrt(2 / (1 + a^2)), elu(alpha) 1 / sqrt(1/2 + alpha^2 E[(e^z - 1)^2 1{z<0}]), selu 1 (Klambauer
 *   et al. 2017: (0, 1) is its fixed point), hard_tanh 1 / sqrt(2 Phi(1) - 1 - 2 phi(1) + 2 Phi(-1));
 * - small signal: g_0 = 1 / sqrt(E[phi'(z)^2]) as Var(z) -> 0: 1/|phi'(0)| where phi is smooth at 0,
 *   the rms of the one-sided slopes at a kink (relu sqrt(2), selu 1 / (lambda sqrt((1 + alpha^2)/2))).
 * Returns null for a name that is not one of initlab's activations (PyTorch's conv names).
 */
export function computedGains(
  name: string,
  param?: number,
): { fixedPoint: number; smallSignal: number } | null {
  const n = ALIASES[name] ?? name;
  const p = param ?? DEFAULT_PARAM[n];
  switch (n) {
    case "relu":
      return { fixedPoint: Math.SQRT2, smallSignal: Math.SQRT2 };
    case "leaky_relu":
    case "prelu": {
      const g = Math.sqrt(2 / (1 + p * p));
      return { fixedPoint: g, smallSignal: g };
    }
    case "elu":
      return {
        fixedPoint: 1 / Math.sqrt(0.5 + p * p * ELU_NEGATIVE_SECOND),
        smallSignal: Math.sqrt(2 / (1 + p * p)),
      };
    case "selu":
      return {
        fixedPoint: 1 / (SELU_LAMBDA * Math.sqrt(0.5 + SELU_ALPHA * SELU_ALPHA * ELU_NEGATIVE_SECOND)),
        smallSignal: 1 / (SELU_LAMBDA * Math.sqrt((1 + SELU_ALPHA * SELU_ALPHA) / 2)),
      };
    case "hard_tanh":
      return {
        fixedPoint: 1 / Math.sqrt(2 * normalCdf(1) - 1 - 2 * normalPdf(1) + 2 * normalCdf(-1)),
        smallSignal: 1,
      };
    case "identity":
      return { fixedPoint: 1, smallSignal: 1 };
    default:
      return n in FIXED_POINT_NUMERIC
        ? { fixedPoint: FIXED_POINT_NUMERIC[n], smallSignal: SMALL_SIGNAL[n] }
        : null;
  }
}

/**
 * The gain kaiming_*(nonlinearity=name, a=param, gain=convention) uses. "table" keeps PyTorch's
 * `calculate_gain` value for PyTorch's names (specs stay bit-identical to torch) and the
 * fixed-point value for the others; "auto" is always the fixed-point value; "small_signal" g_0.
 * Conv names are linear (1 in every convention).
 */
export function activationGain(name: string, param?: number, convention: GainConvention = "table"): number {
  const n = name.toLowerCase();
  if (!GAIN_NAMES.includes(n)) {
    throw new UserError(`unknown nonlinearity "${name}"; valid: ${GAIN_NAMES.join(", ")}`);
  }
  if (convention === "table" && GAIN_NONLINEARITIES.includes(n)) return calculateGain(n, param);
  const g = computedGains(n, param);
  if (g === null) return 1; // conv layers are linear maps
  return convention === "small_signal" ? g.smallSignal : g.fixedPoint;
}
