/** Builds an `Initializer` from its describe/fill rules, with the canonical spec and shape checks. */
import type { FloatArray } from "../kernels/backend.js";
import type { Rng } from "../tensor/rng.js";
import { formatSpec } from "./spec.js";
import type { ArgValue, InitDescription, Initializer, InitShape } from "./types.js";

export interface InitRules {
  describe(fanIn: number, fanOut: number): Omit<InitDescription, "spec">;
  /** Fills out[0 .. rows*cols); the shape has been checked. */
  fill(out: FloatArray, shape: InitShape, n: number, rng: Rng): void;
}

function checkFans(name: string, fanIn: number, fanOut: number): void {
  if (!(fanIn >= 0 && fanOut >= 0 && Number.isFinite(fanIn) && Number.isFinite(fanOut))) {
    throw new Error(`${name}: fans must be finite numbers >= 0, got fanIn=${fanIn}, fanOut=${fanOut}`);
  }
}

function checkShape(name: string, out: FloatArray, shape: InitShape): number {
  const { rows, cols } = shape;
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0)) {
    throw new Error(`${name}: rows and cols must be integers >= 0, got ${rows} x ${cols}`);
  }
  checkFans(name, shape.fanIn, shape.fanOut);
  const n = rows * cols;
  if (out.length < n)
    throw new Error(`${name}: buffer of length ${out.length} is shorter than ${rows} x ${cols}`);
  return n;
}

/**
 * `args` must list every argument, in the declared order (it fixes the canonical spec).
 * `quietDefaults`: arguments added after PyTorch's signature, left out of the canonical spec while
 * they hold this value, so that existing specs keep their text (kaiming's gain=table).
 */
export function defineInitializer(
  name: string,
  args: Record<string, ArgValue>,
  rules: InitRules,
  quietDefaults: Record<string, ArgValue> = {},
): Initializer {
  const shown = Object.fromEntries(Object.entries(args).filter(([k, v]) => quietDefaults[k] !== v));
  const spec = formatSpec(name, shown);
  return {
    name,
    spec,
    args: Object.freeze({ ...args }),
    describe(fanIn: number, fanOut: number): InitDescription {
      checkFans(name, fanIn, fanOut);
      return { spec, ...rules.describe(fanIn, fanOut) };
    },
    fill(out: FloatArray, shape: InitShape, rng: Rng): void {
      const n = checkShape(name, out, shape);
      if (n > 0) rules.fill(out, shape, n, rng);
    },
  };
}
