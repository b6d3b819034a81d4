/**
 * The one general scheme behind Glorot/Xavier, He/Kaiming, LeCun and the notes' sigmoid variant:
 * draw W with Var(W) = scale / n, where n is fan_in, fan_out or fan_avg = (fan_in + fan_out) / 2.
 * Semantics of Keras' `VarianceScaling` (keras/src/initializers/random_initializers.py), the
 * initializer JAX's `nn.initializers.variance_scaling` also follows:
 * - "truncated_normal": N(0, sigma^2) truncated to [-2 sigma, 2 sigma] with
 *   sigma = sqrt(scale / n) / 0.87962566103423978, so that the std after truncation is
 *   sqrt(scale / n) (0.8796... is the std of N(0, 1) truncated to [-2, 2]);
 * - "untruncated_normal": N(0, scale / n);
 * - "uniform": U(-r, r) with r = sqrt(3 scale / n).
 * As in Keras, n is max(1, n), so an empty layer does not divide by zero.
 */

import { FAN_MODES, type FanMode, fanForMode } from "./fans.js";
import { defineInitializer } from "./initializer.js";
import { fillNormal, fillUniform } from "./sampling.js";
import { fillTruncated, truncatedNormalMoments, truncatedSampler } from "./truncated-normal.js";
import type { ArgValue, InitDescription, Initializer } from "./types.js";
import { checkChoice, checkNumber, isPositive } from "./validate.js";

export type ScalingDistribution = "truncated_normal" | "untruncated_normal" | "uniform";
export const SCALING_DISTRIBUTIONS: readonly ScalingDistribution[] = [
  "truncated_normal",
  "untruncated_normal",
  "uniform",
];

/** Keras' constant: the std of a standard normal truncated to [-2, 2] (scipy.stats.truncnorm.std(-2, 2)). */
export const KERAS_TRUNCATION_STD = 0.87962566103423978;

/** The exact std of N(0, 1) truncated to [-2, 2], from our erf (equals KERAS_TRUNCATION_STD to ~1e-16). */
const TRUNC2_STD = truncatedNormalMoments(0, 1, -2, 2).std;

export interface VarianceScalingOptions {
  scale: number;
  mode: FanMode;
  distribution: ScalingDistribution;
}

/** `variance_scaling(scale=1, mode=fan_in, distribution=truncated_normal)`: Keras' VarianceScaling, exactly. */
export function varianceScaling(opts: VarianceScalingOptions): Initializer {
  const name = "variance_scaling";
  const scale = checkNumber(name, "scale", opts.scale, isPositive, "a finite number > 0");
  const mode = checkChoice(name, "mode", opts.mode, FAN_MODES);
  const distribution = checkChoice(name, "distribution", opts.distribution, SCALING_DISTRIBUTIONS);
  return scaledInitializer(name, { scale, mode, distribution }, { scale, mode, distribution });
}

/**
 * A named specialization of variance scaling (Glorot, He, ...): `args` are the initializer's own
 * arguments (they make its spec), `opts` the scheme they resolve to (already validated).
 */
export function scaledInitializer(
  name: string,
  args: Record<string, ArgValue>,
  opts: VarianceScalingOptions,
  quietDefaults: Record<string, ArgValue> = {},
): Initializer {
  const describeOf = (fanIn: number, fanOut: number) => scaledDescription(opts, fanIn, fanOut);
  return defineInitializer(
    name,
    args,
    {
      describe: describeOf,
      fill(out, shape, n, rng) {
        const d = describeOf(shape.fanIn, shape.fanOut);
        if (opts.distribution === "uniform")
          fillUniform(out, n, -(d.bound as number), d.bound as number, rng);
        else if (opts.distribution === "untruncated_normal") fillNormal(out, n, 0, d.std, rng);
        else {
          const sigma = targetStd(opts, shape.fanIn, shape.fanOut) / KERAS_TRUNCATION_STD;
          fillTruncated(out, n, truncatedSampler(0, sigma, -2 * sigma, 2 * sigma), rng);
        }
      },
    },
    quietDefaults,
  );
}

/** sqrt(scale / n): the std the scheme aims at. */
function targetStd(opts: VarianceScalingOptions, fanIn: number, fanOut: number): number {
  return Math.sqrt(opts.scale / Math.max(1, fanForMode(opts.mode, fanIn, fanOut)));
}

function scaledDescription(
  opts: VarianceScalingOptions,
  fanIn: number,
  fanOut: number,
): Omit<InitDescription, "spec"> {
  const target = targetStd(opts, fanIn, fanOut);
  if (opts.distribution === "uniform") {
    const n = Math.max(1, fanForMode(opts.mode, fanIn, fanOut));
    const bound = Math.sqrt(3 * opts.scale) / Math.sqrt(n);
    return {
      distribution: "uniform",
      mean: 0,
      std: target,
      bound,
      variance: target * target,
      support: [-bound, bound],
    };
  }
  if (opts.distribution === "untruncated_normal") {
    const inf = Number.POSITIVE_INFINITY;
    return {
      distribution: "normal",
      mean: 0,
      std: target,
      bound: null,
      variance: target * target,
      support: [-inf, inf],
    };
  }
  const sigma = target / KERAS_TRUNCATION_STD;
  const std = sigma * TRUNC2_STD;
  return {
    distribution: "truncated_normal",
    mean: 0,
    std,
    bound: null,
    variance: std * std,
    support: [-2 * sigma, 2 * sigma],
  };
}
