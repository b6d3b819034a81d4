/**
 * The kernel seam: every heavy numeric loop of training goes through a `Backend`.
 *
 * Arrays are flat, row-major and dense (the leading dimension of a matrix is its
 * logical width). The TypeScript backend (`ts-backend.ts`) is the reference: every
 * other backend must agree with it within the tolerances stated in its tests.
 * Float64 arrays are accepted by the TypeScript backend only (gradient checks run in
 * float64); fast backends work on the Float32Arrays they hand out with `alloc`.
 */
export type FloatArray = Float32Array | Float64Array;

export type BackendName = "ts" | "wasm" | "native";

export interface Backend {
  readonly name: BackendName;
  /** Threads this backend may use for one call (1 = single-threaded). */
  readonly threads: number;
  /**
   * A zero-filled float32 buffer of n elements that this backend works on without copying.
   * Buffers stay valid for the life of the backend.
   */
  alloc(n: number): Float32Array;
  /**
   * General matrix multiply, C = alpha * op(A) * op(B) + beta * C.
   * op(A) is m x k: A is stored m x k (transA = false) or k x m (transA = true).
   * op(B) is k x n: B is stored k x n (transB = false) or n x k (transB = true).
   * C is m x n. With beta = 0, C is overwritten (NaNs in C do not propagate).
   * Training uses: forward Z = X W^T (false, true), dW = dZ^T X (true, false), dX = dZ W (false, false).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    b: FloatArray,
    beta: number,
    c: FloatArray,
  ): void;
  /** y[i, j] += v[j] for every row i of the rows x cols matrix y (bias add). */
  addRowVector(y: FloatArray, v: FloatArray, rows: number, cols: number): void;
  /** out[j] = beta * out[j] + sum_i x[i, j] over the rows of a rows x cols matrix (bias gradient). */
  sumRows(x: FloatArray, rows: number, cols: number, out: FloatArray, beta: number): void;
  /** Releases threads or memory held by the backend (a no-op for the TypeScript one). */
  dispose(): void;
}
