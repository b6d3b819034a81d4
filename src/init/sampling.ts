/** Element loops shared by the initializers: no allocation, locals hoisted, one draw per value. */
import type { FloatArray } from "../kernels/backend.js";
import type { Rng } from "../tensor/rng.js";

/** out[0..n) = value. */
export function fillConstant(out: FloatArray, n: number, value: number): void {
  out.fill(value, 0, n);
}

/** out[0..n) ~ U[lo, hi): lo + (hi - lo) u with u uniform in [0, 1). */
export function fillUniform(out: FloatArray, n: number, lo: number, hi: number, rng: Rng): void {
  const width = hi - lo;
  for (let i = 0; i < n; i++) out[i] = lo + width * rng.uniform();
}

/** out[0..n) ~ N(mean, std^2). */
export function fillNormal(out: FloatArray, n: number, mean: number, std: number, rng: Rng): void {
  for (let i = 0; i < n; i++) out[i] = mean + std * rng.normal();
}
