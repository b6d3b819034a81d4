// Row-vector kernels of a dense layer (AssemblyScript, WebAssembly SIMD), row-major.

/** y[i, j] += v[j] for every row i of the rows x cols matrix y (bias add). */
export function addRowVector(y: usize, v: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const row = y + (<usize>i * <usize>cols << 2);
    let j = 0;
    for (; j < c4; j += 4) {
      const o = <usize>j << 2;
      v128.store(row + o, f32x4.add(v128.load(row + o), v128.load(v + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(row + o, load<f32>(row + o) + load<f32>(v + o));
    }
  }
}

/**
 * out[j] = beta * out[j] + sum_i x[i, j] (bias gradient). out is scaled first (beta = 0 writes
 * zeros, so NaN in out does not survive), then the rows are added in order i = 0..rows-1.
 */
export function sumRows(x: usize, rows: i32, cols: i32, out: usize, beta: f32): void {
  const c4 = cols & ~3;
  if (beta != 1) {
    const vb = f32x4.splat(beta);
    let j = 0;
    for (; j < c4; j += 4) {
      const o = out + (<usize>j << 2);
      v128.store(o, beta == 0 ? f32x4.splat(0) : f32x4.mul(vb, v128.load(o)));
    }
    for (; j < cols; j++) {
      const o = out + (<usize>j << 2);
      store<f32>(o, beta == 0 ? 0 : beta * load<f32>(o));
    }
  }
  for (let i = 0; i < rows; i++) {
    const row = x + (<usize>i * <usize>cols << 2);
    let j = 0;
    for (; j < c4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(row + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(row + o));
    }
  }
}
