/**
 * The named fan-scaled initializers, each a one-line specialization of variance scaling with
 * scale = gain^2 (JAX style; see variance-scaling.ts). Normal variants follow PyTorch
 * (untruncated) except LeCun normal, which follows Keras (truncated, with the 0.8796 correction).
 * Keras' exact truncated glorot_normal / he_normal are
 * variance_scaling(1, fan_avg, truncated_normal) and variance_scaling(2, fan_in, truncated_normal).
 */
import { UserError } from "../errors.js";
import { activationGain, GAIN_CONVENTIONS, GAIN_NAMES, type GainConvention } from "./gain.js";
import type { Initializer } from "./types.js";
import { checkChoice, checkNumber, isAny, isPositive } from "./validate.js";
import { scaledInitializer } from "./variance-scaling.js";

const POSITIVE = "a finite number > 0";

/**
 * Xavier/Glorot uniform: W ~ U(-r, r), r = gain * sqrt(6 / (fan_in + fan_out)), i.e.
 * Var(W) = gain^2 * 2 / (fan_in + fan_out): the compromise between keeping the forward variance
 * (fan_in Var(W) = 1) and the backward variance (fan_out Var(W) = 1) for near-linear symmetric
 * activations (tanh). Glorot & Bengio 2010, AISTATS, eq. 16; PyTorch `xavier_uniform_`.
 */
export function xavierUniform(gain = 1): Initializer {
  checkNumber("xavier_uniform", "gain", gain, isPositive, POSITIVE);
  return scaledInitializer(
    "xavier_uniform",
    { gain },
    { scale: gain * gain, mode: "fan_avg", distribution: "uniform" },
  );
}

/** Xavier/Glorot normal: W ~ N(0, gain^2 * 2 / (fan_in + fan_out)), untruncated as in PyTorch
 *  `xavier_normal_` (Keras' glorot_normal is truncated). Glorot & Bengio 2010, AISTATS. */
export function xavierNormal(gain = 1): Initializer {
  checkNumber("xavier_normal", "gain", gain, isPositive, POSITIVE);
  const opts = { scale: gain * gain, mode: "fan_avg", distribution: "untruncated_normal" } as const;
  return scaledInitializer("xavier_normal", { gain }, opts);
}

/** The notes' sigmoid variant of Xavier uniform: sigmoid(x) ~ 1/2 + x/4 has slope 1/4, so the
 *  bound is 4x Glorot's: r = 4 sqrt(6 / (fan_in + fan_out)), Var(W) = 16 * 2 / (fan_in + fan_out).
 *  Glorot & Bengio 2010 (sigmoid discussion); the project's notes, "Xavier / Glorot". */
export function xavierSigmoidUniform(): Initializer {
  return scaledInitializer(
    "xavier_sigmoid_uniform",
    {},
    { scale: 16, mode: "fan_avg", distribution: "uniform" },
  );
}

/** The sigmoid variant of Xavier normal: W ~ N(0, 16 * 2 / (fan_in + fan_out)) (4x Glorot's std). */
export function xavierSigmoidNormal(): Initializer {
  return scaledInitializer(
    "xavier_sigmoid_normal",
    {},
    { scale: 16, mode: "fan_avg", distribution: "untruncated_normal" },
  );
}

export type KaimingMode = "fan_in" | "fan_out";
export const KAIMING_MODES: readonly KaimingMode[] = ["fan_in", "fan_out"];

export interface KaimingOptions {
  a?: number;
  mode?: KaimingMode;
  nonlinearity?: string;
  /**
   * How the nonlinearity becomes a gain (gain.ts activationGain): "table" (default) PyTorch's
   * calculate_gain for PyTorch's names, the computed fixed-point gain for the others; "auto" the
   * fixed-point gain for every name; "small_signal" 1 / sqrt(E[phi'^2]) as q -> 0.
   */
  gain?: GainConvention;
}

/** Nonlinearities with a parameter `a`: the negative slope (leaky_relu, prelu), alpha (elu). */
const PARAM_NONLINEARITIES = ["leaky_relu", "leakyrelu", "prelu", "elu"];

function kaimingArgs(name: string, o: KaimingOptions) {
  const a = checkNumber(name, "a", o.a ?? 0, isAny, "a finite number");
  const mode = checkChoice(name, "mode", o.mode ?? "fan_in", KAIMING_MODES);
  const nonlinearity = checkChoice(name, "nonlinearity", o.nonlinearity ?? "leaky_relu", GAIN_NAMES);
  const convention = checkChoice(name, "gain", o.gain ?? "table", GAIN_CONVENTIONS);
  if (a !== 0 && !PARAM_NONLINEARITIES.includes(nonlinearity)) {
    throw new UserError(
      `${name}: a=${a} has no effect with nonlinearity=${nonlinearity} (a is the parameter of leaky_relu, prelu or elu); use one of those or a=0`,
    );
  }
  // leaky_relu: a is the slope even when it is 0 (PyTorch: leaky_relu with a = 0 is relu). prelu and
  // elu: a = 0 means the activation's default (slope 0.25, alpha 1), as with --activation prelu / elu.
  const param = nonlinearity === "leaky_relu" || nonlinearity === "leakyrelu" || a !== 0 ? a : undefined;
  const gain = activationGain(nonlinearity, param, convention);
  return { args: { a, mode, nonlinearity, gain: convention }, scale: gain * gain, mode };
}

/** gain=table, the default, is left out of the canonical spec: PyTorch-style specs keep their text. */
const KAIMING_QUIET = { gain: "table" };

/**
 * He/Kaiming uniform: W ~ U(-r, r), r = gain * sqrt(3 / fan), gain = calculateGain(nonlinearity, a)
 * for PyTorch's names and the computed fixed-point gain for every other activation (gain.ts),
 * fan = fan_in (keeps E[z^2] through the forward pass) or fan_out (through the backward pass).
 * With relu, Var(W) = 2 / fan_in. He et al. 2015, arXiv:1502.01852, eq. 10 (and eq. 14 backward);
 * PyTorch `kaiming_uniform_` (defaults a = 0, fan_in, leaky_relu: gain sqrt(2 / (1 + 0^2)) = sqrt(2)).
 */
export function kaimingUniform(o: KaimingOptions = {}): Initializer {
  const k = kaimingArgs("kaiming_uniform", o);
  return scaledInitializer(
    "kaiming_uniform",
    k.args,
    {
      scale: k.scale,
      mode: k.mode,
      distribution: "uniform",
    },
    KAIMING_QUIET,
  );
}

/** He/Kaiming normal: W ~ N(0, gain^2 / fan), untruncated as in PyTorch `kaiming_normal_`.
 *  He et al. 2015, arXiv:1502.01852, eq. 10. (Keras' he_normal is truncated: see variance_scaling.) */
export function kaimingNormal(o: KaimingOptions = {}): Initializer {
  const k = kaimingArgs("kaiming_normal", o);
  return scaledInitializer(
    "kaiming_normal",
    k.args,
    {
      scale: k.scale,
      mode: k.mode,
      distribution: "untruncated_normal",
    },
    KAIMING_QUIET,
  );
}

/** LeCun uniform: W ~ U(-r, r), r = sqrt(3 / fan_in), Var(W) = 1 / fan_in: unit-variance
 *  pre-activations for unit-variance inputs. LeCun et al. 1998, Efficient BackProp, sec. 4.6; Keras. */
export function lecunUniform(): Initializer {
  return scaledInitializer("lecun_uniform", {}, { scale: 1, mode: "fan_in", distribution: "uniform" });
}

/** LeCun normal: N(0, sigma^2) truncated at +-2 sigma, sigma = sqrt(1 / fan_in) / 0.8796..., so
 *  Var(W) = 1 / fan_in exactly (Keras `lecun_normal`; the init of self-normalizing SELU nets,
 *  Klambauer et al. 2017). LeCun et al. 1998, Efficient BackProp. */
export function lecunNormal(): Initializer {
  return scaledInitializer(
    "lecun_normal",
    {},
    { scale: 1, mode: "fan_in", distribution: "truncated_normal" },
  );
}

/**
 * PyTorch's default for `nn.Linear` / `nn.ConvNd` weights: kaiming_uniform_(a = sqrt(5)), i.e.
 * gain^2 = 2 / (1 + 5) = 1/3 and W ~ U(-r, r) with r = sqrt(3 * (1/3) / fan_in) = 1 / sqrt(fan_in),
 * Var(W) = 1 / (3 fan_in): a third of LeCun's variance (torch/nn/modules/linear.py, reset_parameters).
 */
export function torchDefault(): Initializer {
  return scaledInitializer("torch_default", {}, { scale: 1 / 3, mode: "fan_in", distribution: "uniform" });
}

/** PyTorch's default `nn.Linear` bias: b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with the layer's
 *  fan_in (InitShape.fanIn of the bias). Same law as torch_default; named for the bias role. */
export function torchDefaultBias(): Initializer {
  return scaledInitializer(
    "torch_default_bias",
    {},
    { scale: 1 / 3, mode: "fan_in", distribution: "uniform" },
  );
}
