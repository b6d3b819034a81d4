import type { FloatArray } from "../kernels/backend.js";

/**
 * Copies the rows indices[from .. from + count) of X (n x d) into rows 0 .. count of outX, and
 * their labels from Y into outY: a mini-batch (training) or the fixed probe batch. One block copy
 * per row.
 */
export function gatherRows(
  X: Float32Array,
  Y: Int32Array,
  d: number,
  indices: ArrayLike<number>,
  from: number,
  count: number,
  outX: FloatArray,
  outY: Int32Array,
): void {
  for (let r = 0; r < count; r++) {
    const i = indices[from + r];
    outX.set(X.subarray(i * d, i * d + d), r * d);
    outY[r] = Y[i];
  }
}
