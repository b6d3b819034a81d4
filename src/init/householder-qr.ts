/**
 * Householder QR in float64 (Golub & Van Loan, Matrix Computations, 4th ed., sec. 5.2;
 * LAPACK dgeqr2 / dorg2r). Matrices are m x n with m >= n, stored column-major:
 * A(i, j) = a[j * m + i], so that every reflector works on contiguous columns.
 */

/**
 * In-place QR of a: on return the upper triangle holds R and the part below the diagonal the
 * Householder vectors v_k (with v_k[k] = 1 implied); A = H_0 H_1 ... H_{n-1} R with
 * H_k = I - tau[k] v_k v_k^T. R's diagonal has the sign opposite to the pivot (beta = -sign(alpha) ||x||).
 */
export function householderQr(a: Float64Array, m: number, n: number, tau: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const ck = k * m;
    let norm2 = 0;
    for (let i = k + 1; i < m; i++) norm2 += a[ck + i] * a[ck + i];
    if (norm2 === 0) {
      tau[k] = 0; // the column is already reduced: H_k = I, R(k, k) = a(k, k)
      continue;
    }
    const alpha = a[ck + k];
    const beta = (alpha >= 0 ? -1 : 1) * Math.sqrt(alpha * alpha + norm2);
    const t = (beta - alpha) / beta;
    tau[k] = t;
    const inv = 1 / (alpha - beta);
    for (let i = k + 1; i < m; i++) a[ck + i] *= inv;
    a[ck + k] = beta;
    for (let j = k + 1; j < n; j++) reflect(a, ck, a, j * m, k, m, t);
  }
}

/** y <- (I - t v v^T) y on rows k..m-1, with v = [1, a[ck+k+1 .. ck+m-1]] and y = b[cj + .]. */
function reflect(
  a: Float64Array,
  ck: number,
  b: Float64Array,
  cj: number,
  k: number,
  m: number,
  t: number,
): void {
  let s = b[cj + k];
  for (let i = k + 1; i < m; i++) s += a[ck + i] * b[cj + i];
  s *= t;
  b[cj + k] -= s;
  for (let i = k + 1; i < m; i++) b[cj + i] -= s * a[ck + i];
}

/** q (m x n, column-major) = the first n columns of H_0 ... H_{n-1}, from householderQr's output. */
export function formQ(a: Float64Array, m: number, n: number, tau: Float64Array, q: Float64Array): void {
  q.fill(0, 0, m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const t = tau[k];
    if (t === 0) continue;
    for (let j = k; j < n; j++) reflect(a, k * m, q, j * m, k, m, t);
  }
}
