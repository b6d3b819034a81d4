/**
 * The fan-independent initializers of `torch.nn.init`: zeros_, ones_, constant_, uniform_,
 * normal_, trunc_normal_. Their scale does not follow the layer's width, so in a deep or wide
 * network they let the signal's variance grow or shrink geometrically with depth.
 */
import { UserError } from "../errors.js";
import { defineInitializer } from "./initializer.js";
import { fillConstant, fillNormal, fillUniform } from "./sampling.js";
import { fillTruncated, truncatedNormalMoments, truncatedSampler } from "./truncated-normal.js";
import type { Initializer } from "./types.js";
import { checkNumber, isAny, isNonNegative, isPositive } from "./validate.js";

/** W = value everywhere (PyTorch `constant_`). Constant weights make every unit of a layer compute
 *  the same function and receive the same gradient: symmetry is never broken. */
export function constant(value: number): Initializer {
  return constantNamed(
    "constant",
    { value: checkNumber("constant", "value", value, isAny, "a finite number") },
    value,
  );
}

/** W = 0 (PyTorch `zeros_`): the symmetric starting point that cannot learn hidden features
 *  (every hidden unit gets the same, zero, gradient); fine for biases. */
export function zeros(): Initializer {
  return constantNamed("zeros", {}, 0);
}

/** W = 1 (PyTorch `ones_`): symmetric like zeros; used for normalization scales. */
export function ones(): Initializer {
  return constantNamed("ones", {}, 1);
}

function constantNamed(name: string, args: Record<string, number>, value: number): Initializer {
  return defineInitializer(name, args, {
    describe: () => ({
      distribution: "constant",
      mean: value,
      std: 0,
      bound: null,
      variance: 0,
      support: [value, value],
    }),
    fill: (out, _shape, n) => fillConstant(out, n, value),
  });
}

/**
 * W ~ U(a, b) (PyTorch `uniform_`, defaults a = 0, b = 1): mean (a + b)/2, variance (b - a)^2 / 12.
 * describe().bound is the half-width (b - a)/2 (the "r" of U(-r, r) when a = -b). A fixed-scale
 * baseline: with U(-r, r) and fan_in inputs, Var(z) = fan_in r^2/3 Var(x) grows with the width.
 */
export function uniform(a = 0, b = 1): Initializer {
  checkNumber("uniform", "a", a, isAny, "a finite number");
  checkNumber("uniform", "b", b, (x) => x >= a, `a finite number >= a (${a})`);
  const half = (b - a) / 2;
  const std = (b - a) / Math.sqrt(12);
  return defineInitializer(
    "uniform",
    { a, b },
    {
      describe: () => ({
        distribution: "uniform",
        mean: a + half,
        std,
        bound: half,
        variance: std * std,
        support: [a, b],
      }),
      fill: (out, _shape, n, rng) => fillUniform(out, n, a, b, rng),
    },
  );
}

/** W ~ N(mean, std^2) (PyTorch `normal_`, defaults 0 and 1). A fixed-scale baseline: a layer
 *  multiplies the signal's variance by fan_in std^2, so std = 0.01 vanishes and std = 1 explodes
 *  with depth unless std^2 = 1 / fan_in (LeCun et al. 1998). */
export function normal(mean = 0, std = 1): Initializer {
  checkNumber("normal", "mean", mean, isAny, "a finite number");
  checkNumber("normal", "std", std, isNonNegative, "a finite number >= 0");
  const inf = std > 0 ? Number.POSITIVE_INFINITY : 0;
  return defineInitializer(
    "normal",
    { mean, std },
    {
      describe: () => ({
        distribution: "normal",
        mean,
        std,
        bound: null,
        variance: std * std,
        support: [mean - inf, mean + inf],
      }),
      fill: (out, _shape, n, rng) => fillNormal(out, n, mean, std, rng),
    },
  );
}

/**
 * W ~ N(mean, std^2) truncated to [a, b] (PyTorch `trunc_normal_`, defaults 0, 1, -2, 2).
 * As in PyTorch, a and b are absolute cut points (not multiples of std), `std` is the std of
 * the normal before truncation, and values are drawn by inverse CDF. describe() gives the exact
 * mean and std after truncation (for the defaults: std = 0.87962566103423978).
 */
export function truncNormal(mean = 0, std = 1, a = -2, b = 2): Initializer {
  const name = "trunc_normal";
  checkNumber(name, "mean", mean, isAny, "a finite number");
  checkNumber(name, "std", std, isPositive, "a finite number > 0");
  checkNumber(name, "a", a, isAny, "a finite number");
  checkNumber(name, "b", b, (x) => x > a, `a finite number > a (${a})`);
  const m = truncatedNormalMoments(mean, std, a, b);
  if (!(m.mass > 0) || !Number.isFinite(m.std)) {
    throw new UserError(`${name}: [a, b] = [${a}, ${b}] has no probability mass under N(${mean}, ${std}^2)`);
  }
  const sampler = truncatedSampler(mean, std, a, b);
  return defineInitializer(
    name,
    { mean, std, a, b },
    {
      describe: () => ({
        distribution: "truncated_normal",
        mean: m.mean,
        std: m.std,
        bound: null,
        variance: m.std * m.std,
        support: [a, b],
      }),
      fill: (out, _shape, n, rng) => fillTruncated(out, n, sampler, rng),
    },
  );
}
