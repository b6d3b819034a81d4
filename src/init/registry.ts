/**
 * The table of initializers: one entry per initializer (name, aliases, declared arguments,
 * formula, reference, builder). Adding an initializer is adding an entry here. Names are
 * resolved once, when a spec is parsed; the returned Initializer holds no lookups.
 */

import { constant, normal, ones, truncNormal, uniform, zeros } from "./basic.js";
import { eye } from "./eye.js";
import { FAN_MODES, type FanMode } from "./fans.js";
import { GAIN_CONVENTIONS, GAIN_NAMES, type GainConvention } from "./gain.js";
import { lsuv } from "./lsuv.js";
import { orthogonal } from "./orthogonal.js";
import {
  KAIMING_MODES,
  type KaimingMode,
  kaimingNormal,
  kaimingUniform,
  lecunNormal,
  lecunUniform,
  torchDefault,
  torchDefaultBias,
  xavierNormal,
  xavierSigmoidNormal,
  xavierSigmoidUniform,
  xavierUniform,
} from "./schemes.js";
import { sparse } from "./sparse.js";
import type { ArgValue, Initializer } from "./types.js";
import { SCALING_DISTRIBUTIONS, type ScalingDistribution, varianceScaling } from "./variance-scaling.js";

export interface ArgDef {
  name: string;
  /** "number", or the list of valid words, e.g. "fan_in|fan_out". */
  type: string;
  /** undefined: the argument is required. */
  default?: ArgValue;
  choices?: readonly string[];
}

export interface AliasDef {
  name: string;
  /** Defaults that differ from the target's when the initializer is named by this alias. */
  defaults?: Record<string, ArgValue>;
}

export interface InitDef {
  name: string;
  aliases: readonly AliasDef[];
  args: readonly ArgDef[];
  formula: string;
  reference: string;
  build(args: Record<string, ArgValue>): Initializer;
}

const num = (name: string, def?: number): ArgDef => ({ name, type: "number", default: def });
const choice = (name: string, choices: readonly string[], def: string): ArgDef => ({
  name,
  type: choices.join("|"),
  default: def,
  choices,
});
const n = (v: ArgValue) => v as number;
const KAIMING_ARGS = [
  num("a", 0),
  choice("mode", KAIMING_MODES, "fan_in"),
  choice("nonlinearity", GAIN_NAMES, "leaky_relu"),
  choice("gain", GAIN_CONVENTIONS, "table"),
];
const kaimingOpts = (a: Record<string, ArgValue>) => ({
  a: n(a.a),
  mode: a.mode as KaimingMode,
  nonlinearity: a.nonlinearity as string,
  gain: a.gain as GainConvention,
});
/** The initializers LSUV can start from (the paper: orthonormal). */
const LSUV_BASE_BUILDERS: Record<string, () => Initializer> = {
  orthogonal: () => orthogonal(1),
  he_normal: () => kaimingNormal({ nonlinearity: "relu" }),
  he_uniform: () => kaimingUniform({ nonlinearity: "relu" }),
  xavier_normal: () => xavierNormal(1),
  xavier_uniform: () => xavierUniform(1),
  lecun_normal: () => lecunNormal(),
  lecun_uniform: () => lecunUniform(),
  torch_default: () => torchDefault(),
};
const LSUV_BASES = Object.keys(LSUV_BASE_BUILDERS);
const PT = "PyTorch torch.nn.init";
const GLOROT = "Glorot & Bengio 2010, AISTATS";
const HE = "He et al. 2015, arXiv:1502.01852, eq. 10";
const KERAS_VS = "Keras VarianceScaling (truncated at 2 sigma, sigma = sqrt(scale/n)/0.87962566103423978)";

export const INITIALIZERS: readonly InitDef[] = [
  { name: "zeros", aliases: [], args: [], formula: "W = 0", reference: `${PT}.zeros_`, build: () => zeros() },
  { name: "ones", aliases: [], args: [], formula: "W = 1", reference: `${PT}.ones_`, build: () => ones() },
  {
    name: "constant",
    aliases: [],
    args: [num("value")],
    formula: "W = value",
    reference: `${PT}.constant_`,
    build: (a) => constant(n(a.value)),
  },
  {
    name: "uniform",
    aliases: [],
    args: [num("a", 0), num("b", 1)],
    formula: "W ~ U(a, b); bound = (b - a)/2",
    reference: `${PT}.uniform_`,
    build: (a) => uniform(n(a.a), n(a.b)),
  },
  {
    name: "normal",
    aliases: [],
    args: [num("mean", 0), num("std", 1)],
    formula: "W ~ N(mean, std^2)",
    reference: `${PT}.normal_`,
    build: (a) => normal(n(a.mean), n(a.std)),
  },
  {
    name: "trunc_normal",
    aliases: [],
    args: [num("mean", 0), num("std", 1), num("a", -2), num("b", 2)],
    formula: "W ~ N(mean, std^2) truncated to [a, b] (absolute cut points), by inverse CDF",
    reference: `${PT}.trunc_normal_`,
    build: (a) => truncNormal(n(a.mean), n(a.std), n(a.a), n(a.b)),
  },
  {
    name: "xavier_uniform",
    aliases: [{ name: "glorot_uniform" }],
    args: [num("gain", 1)],
    formula: "W ~ U(-r, r), r = gain sqrt(6 / (fan_in + fan_out))",
    reference: `${GLOROT}; ${PT}.xavier_uniform_`,
    build: (a) => xavierUniform(n(a.gain)),
  },
  {
    name: "xavier_normal",
    aliases: [{ name: "glorot_normal" }],
    args: [num("gain", 1)],
    formula: "W ~ N(0, gain^2 2 / (fan_in + fan_out)), untruncated (PyTorch; Keras' is truncated)",
    reference: `${GLOROT}; ${PT}.xavier_normal_`,
    build: (a) => xavierNormal(n(a.gain)),
  },
  {
    name: "xavier_sigmoid_uniform",
    aliases: [],
    args: [],
    formula: "W ~ U(-r, r), r = 4 sqrt(6 / (fan_in + fan_out)) (Var = 16 * 2 / (fan_in + fan_out))",
    reference: `${GLOROT}; the project's notes (sigmoid slope 1/4)`,
    build: () => xavierSigmoidUniform(),
  },
  {
    name: "xavier_sigmoid_normal",
    aliases: [],
    args: [],
    formula: "W ~ N(0, 16 * 2 / (fan_in + fan_out))",
    reference: `${GLOROT}; the project's notes (sigmoid slope 1/4)`,
    build: () => xavierSigmoidNormal(),
  },
  {
    name: "kaiming_uniform",
    aliases: [{ name: "he_uniform", defaults: { nonlinearity: "relu" } }],
    args: KAIMING_ARGS,
    formula:
      "W ~ U(-r, r), r = g sqrt(3 / fan), g = calculate_gain(nonlinearity, a) (gain=table; computed for names PyTorch lacks, gain=auto: always computed); he_uniform: nonlinearity=relu",
    reference: `${HE}; ${PT}.kaiming_uniform_`,
    build: (a) => kaimingUniform(kaimingOpts(a)),
  },
  {
    name: "kaiming_normal",
    aliases: [{ name: "he_normal", defaults: { nonlinearity: "relu" } }],
    args: KAIMING_ARGS,
    formula:
      "W ~ N(0, g^2 / fan), untruncated (PyTorch), g as kaiming_uniform (gain=table|auto|small_signal); he_normal: nonlinearity=relu",
    reference: `${HE}; ${PT}.kaiming_normal_`,
    build: (a) => kaimingNormal(kaimingOpts(a)),
  },
  {
    name: "lecun_uniform",
    aliases: [],
    args: [],
    formula: "W ~ U(-r, r), r = sqrt(3 / fan_in)",
    reference: "LeCun et al. 1998, Efficient BackProp; Keras lecun_uniform",
    build: () => lecunUniform(),
  },
  {
    name: "lecun_normal",
    aliases: [],
    args: [],
    formula: "W ~ N(0, s^2) truncated to +-2s, s = sqrt(1 / fan_in) / 0.87962566103423978 (Var = 1 / fan_in)",
    reference: "LeCun et al. 1998, Efficient BackProp; Keras lecun_normal",
    build: () => lecunNormal(),
  },
  {
    name: "variance_scaling",
    aliases: [],
    args: [
      num("scale", 1),
      choice("mode", FAN_MODES, "fan_in"),
      choice("distribution", SCALING_DISTRIBUTIONS, "truncated_normal"),
    ],
    formula: "Var(W) = scale / n, n = fan_in | fan_out | (fan_in + fan_out)/2; uniform r = sqrt(3 scale / n)",
    reference: KERAS_VS,
    build: (a) =>
      varianceScaling({
        scale: n(a.scale),
        mode: a.mode as FanMode,
        distribution: a.distribution as ScalingDistribution,
      }),
  },
  {
    name: "orthogonal",
    aliases: [],
    args: [num("gain", 1)],
    formula: "W = gain Q, Q Haar (semi-)orthogonal: QR of a Gaussian matrix, columns times sign(diag R)",
    reference: `Saxe et al. 2014, arXiv:1312.6120; ${PT}.orthogonal_`,
    build: (a) => orthogonal(n(a.gain)),
  },
  {
    name: "eye",
    aliases: [{ name: "identity" }],
    args: [],
    formula: "W = I (ones on the diagonal of the rows x cols matrix)",
    reference: `${PT}.eye_`,
    build: () => eye(),
  },
  {
    name: "sparse",
    aliases: [],
    args: [num("sparsity"), num("std", 0.01)],
    formula: "W ~ N(0, std^2), then ceil(sparsity rows) random zeros per column",
    reference: `Martens 2010, ICML; ${PT}.sparse_`,
    build: (a) => sparse(n(a.sparsity), n(a.std)),
  },
  {
    name: "lsuv",
    aliases: [],
    args: [num("tol", 0.1), num("max_iter", 10), choice("base", LSUV_BASES, "orthogonal"), num("batch", 256)],
    formula:
      "W = base, then layer by layer on a batch of training rows: W <- W / sqrt(Var(z)) until |Var(z) - 1| < tol (at most max_iter times)",
    reference:
      "Mishkin & Matas 2016, arXiv:1511.06422, Algorithm 1 (data-dependent: train and inspect run it)",
    build: (a) =>
      lsuv(LSUV_BASE_BUILDERS[a.base as string](), a.base as string, n(a.tol), n(a.max_iter), n(a.batch)),
  },
  {
    name: "torch_default",
    aliases: [],
    args: [],
    formula: "W ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) = kaiming_uniform(a=sqrt(5))",
    reference: "PyTorch nn.Linear.reset_parameters",
    build: () => torchDefault(),
  },
  {
    name: "torch_default_bias",
    aliases: [],
    args: [],
    formula: "b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in of the layer",
    reference: "PyTorch nn.Linear.reset_parameters",
    build: () => torchDefaultBias(),
  },
];
