/**
 * The initializer contract that the rest of initlab builds on.
 *
 * Layout: a dense (Linear) weight is a rows x cols matrix, row-major, with rows = fan_out
 * (output units) and cols = fan_in (input units), as in PyTorch's `nn.Linear.weight`.
 * A bias is rows = out, cols = 1, with fanIn = the fan-in of its layer.
 */
import type { FloatArray } from "../kernels/backend.js";
import type { Rng } from "../tensor/rng.js";

/** The family of the distribution an initializer samples from. */
export type Distribution =
  | "constant"
  | "uniform"
  | "normal"
  | "truncated_normal"
  | "orthogonal"
  | "identity"
  | "sparse";

/** The shape of the buffer to fill and the fans of the layer it belongs to. */
export interface InitShape {
  rows: number;
  cols: number;
  fanIn: number;
  fanOut: number;
}

/**
 * Exact statistics of the values an initializer produces, for a dense layer with the given
 * fans (rows = fanOut, cols = fanIn for the matrix-shaped families: orthogonal, identity, sparse).
 * - `mean`, `std`, `variance`: of one entry (for orthogonal / identity / sparse: of an entry
 *   drawn at random from the matrix; `variance = std^2`).
 * - `bound`: for the uniform families, the half-width (b - a) / 2 of U(a, b) (so a symmetric
 *   U(-r, r) has bound r and std = bound / sqrt(3)); null for every other family.
 * - `support`: the smallest and largest value an entry can take (+-Infinity for a normal).
 */
export interface InitDescription {
  spec: string;
  distribution: Distribution;
  mean: number;
  std: number;
  bound: number | null;
  variance: number;
  support?: readonly [number, number];
}

/**
 * A step that needs data, run after the ordinary initialization by whoever builds the network with a
 * data set (train/trainer.ts buildNetwork -> init/lsuv.ts applyDataDependentInit).
 */
export interface DataDependentInit {
  /** LSUV (Mishkin & Matas 2016): rescale each layer until Var(z) = 1 within tol on a batch */
  method: "lsuv";
  tol: number;
  maxIter: number;
  /** training rows in the batch */
  batch: number;
}

/** A resolved argument value of an initializer spec. */
export type ArgValue = number | string | boolean;

export interface Initializer {
  /** Canonical name, e.g. "kaiming_uniform". */
  readonly name: string;
  /** Canonical spec with every argument resolved; `parseInit(spec)` gives the same initializer. */
  readonly spec: string;
  readonly args: Record<string, ArgValue>;
  /** Exact statistics of the distribution actually sampled (after truncation). */
  describe(fanIn: number, fanOut: number): InitDescription;
  /** Fills out[0 .. rows*cols) (row-major), drawing from `rng` only. */
  fill(out: FloatArray, shape: InitShape, rng: Rng): void;
  /** Set when the initialization is finished on data after `fill` (lsuv). */
  readonly dataDependent?: DataDependentInit;
}
