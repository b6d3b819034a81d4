import type { FloatArray } from "../kernels/backend.js";
import { tQuantile } from "../math/student-t.js";
import type { Loss } from "../nn/losses.js";
import type { Network } from "../nn/network.js";
import { Rng } from "../tensor/rng.js";
import { type Inspection, inspect } from "./inspect.js";

/**
 * The band of single instances: mean +- BAND_SDS sample standard deviations over the K instances,
 * about 95% of single instances when their values are roughly normal. The theory's value (an
 * expectation over random weights) is judged against it: "inside" means one more random instance
 * could measure the theory's value, "outside" means the theory misses by more than instances vary.
 * Fixed before any measurement (docs/probes.md, "Instances").
 */
export const BAND_SDS = 2;

/** t_{0.975, df}: the two-sided 95% quantile of Student's t (src/math/student-t.ts). */
export function tQuantile975(df: number): number {
  return df >= 1 ? tQuantile(0.975, df) : Number.NaN;
}

/** A quantity measured on K instances, with its band and the theory's value. */
export interface InstanceBand {
  /** the value of each instance, in instance order */
  values: number[];
  mean: number;
  /** sample standard deviation over instances (K - 1 in the denominator) */
  sd: number;
  /** mean +- BAND_SDS sd: where single instances fall */
  band: [number, number];
  /** the 95% t interval of the mean over instances, mean +- t_{0.975, K-1} sd / sqrt(K) */
  ci95: [number, number];
  /** the theory's value: the mean over instances of each instance's prediction; null without one */
  theory: number | null;
  /** the theory's value inside the band; null without a theory value or a finite band */
  inside: boolean | null;
}

/** One layer measured on K independently initialized instances: Var(z) and Var(dL/dz) with their bands. */
export interface LayerInstances {
  index: number;
  activation: string;
  /** Var(z) */
  preactVar: InstanceBand;
  /** Var(dL/dz) */
  gradVar: InstanceBand;
}

/** `inspect --instances K`: every layer over K instances, with the seeds they were initialized with. */
export interface InstancesReport {
  count: number;
  /** the seed each instance was initialized with: Rng.derive(seed, "instance k").int(2^31) */
  seeds: number[];
  /** how the band is made, in words */
  band: string;
  layers: LayerInstances[];
}

/** The seed of instance k (0-based), derived from the run's seed. */
export function instanceSeed(seed: number, k: number): number {
  return Rng.derive(seed, `instance ${k}`).int(2 ** 31);
}

/** Mean, sample sd, band and 95% t interval of K values, and the verdict against `theory`. */
export function instanceBand(values: readonly number[], theory: number | null): InstanceBand {
  const K = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / K;
  const sd = K > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (K - 1)) : Number.NaN;
  const band: [number, number] = [mean - BAND_SDS * sd, mean + BAND_SDS * sd];
  const half = tQuantile975(K - 1) * (sd / Math.sqrt(K));
  const ok = Number.isFinite(band[0]) && Number.isFinite(band[1]);
  return {
    values: [...values],
    mean,
    sd,
    band,
    ci95: [mean - half, mean + half],
    theory,
    inside:
      theory === null || !Number.isFinite(theory) || !ok ? null : theory >= band[0] && theory <= band[1],
  };
}

/**
 * The init doctor over K independently initialized instances of one network: `net` is
 * re-initialized with the seed of each instance (`instanceSeed`) and inspected on the same batch;
 * per layer, Var(z) and Var(dL/dz) of every instance, their mean, the band of single instances
 * (mean +- 2 sd), the 95% t interval of the mean, and whether the theory's value (the mean of the
 * instances' per-example predictions; theory is an expectation over random weights) lies in the
 * band. Returns every instance's inspection too (the first is what a single `inspect` would show
 * for instance 0). The network's weights end as instance K-1's.
 */
export function inspectInstances(
  net: Network,
  batch: { x: FloatArray; y: Int32Array; B: number },
  loss: Loss,
  opts: { instances: number; seed: number },
): { inspections: Inspection[]; report: InstancesReport } {
  const K = opts.instances;
  if (!(Number.isInteger(K) && K >= 2)) throw new RangeError(`instances must be an integer >= 2, got ${K}`);
  const seeds = Array.from({ length: K }, (_, k) => instanceSeed(opts.seed, k));
  const inspections = seeds.map((s) => inspect(net.initialize(s), batch, loss));
  const mean = (xs: (number | null | undefined)[]) =>
    xs.some((x) => x === null || x === undefined)
      ? null
      : (xs as number[]).reduce((a, v) => a + v, 0) / xs.length;
  const layers = net.layers.map((layer, l) => {
    const probes = inspections.map((r) => r.snapshot.layers[l]);
    return {
      index: layer.index,
      activation: layer.activation.spec,
      preactVar: instanceBand(
        probes.map((p) => p.preact.var),
        mean(probes.map((p) => p.predicted?.preactVar)),
      ),
      gradVar: instanceBand(
        probes.map((p) => p.grad.var),
        mean(probes.map((p) => p.predicted?.gradVar)),
      ),
    };
  });
  return {
    inspections,
    report: {
      count: K,
      seeds,
      band: `mean +- ${BAND_SDS} sd over ${K} instances (single instances)`,
      layers,
    },
  };
}
