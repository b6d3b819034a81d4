/**
 * Sparse initialization (PyTorch `sparse_`): W ~ N(0, std^2), then in every column
 * ceil(sparsity * rows) entries, chosen uniformly at random, are set to 0. With few non-zero
 * weights per unit, units are less alike and large weights can be used without saturation.
 * Martens 2010, "Deep learning via Hessian-free optimization", ICML, sec. 5 (there: 15 non-zero
 * incoming weights per unit). For a dense layer (rows = fan_out), a random entry is non-zero with
 * probability f = (rows - zeros) / rows: mean 0, variance f std^2.
 */
import { defineInitializer } from "./initializer.js";
import { fillNormal } from "./sampling.js";
import type { Initializer } from "./types.js";
import { checkNumber, isNonNegative } from "./validate.js";

/** Zeros per column, exactly as PyTorch: int(math.ceil(sparsity * rows)), at most rows. */
export function sparseZerosPerColumn(sparsity: number, rows: number): number {
  return Math.min(rows, Math.ceil(sparsity * rows));
}

export function sparse(sparsity: number, std = 0.01): Initializer {
  checkNumber("sparse", "sparsity", sparsity, (x) => x >= 0 && x <= 1, "a number in [0, 1]");
  checkNumber("sparse", "std", std, isNonNegative, "a finite number >= 0");
  return defineInitializer(
    "sparse",
    { sparsity, std },
    {
      describe(_fanIn, fanOut) {
        const rows = fanOut;
        const f = rows > 0 ? (rows - sparseZerosPerColumn(sparsity, rows)) / rows : 0;
        const s = std * Math.sqrt(f);
        const inf = s > 0 ? Number.POSITIVE_INFINITY : 0;
        return {
          distribution: "sparse",
          mean: 0,
          std: s,
          bound: null,
          variance: s * s,
          support: [-inf, inf],
        };
      },
      fill(out, shape, n, rng) {
        const { rows, cols } = shape;
        fillNormal(out, n, 0, std, rng);
        const zeros = sparseZerosPerColumn(sparsity, rows);
        const idx = new Int32Array(rows);
        for (let i = 0; i < rows; i++) idx[i] = i;
        for (let c = 0; c < cols; c++) {
          // partial Fisher-Yates: idx[0..zeros) becomes a uniform random zeros-subset of the rows
          for (let k = 0; k < zeros; k++) {
            const j = k + rng.int(rows - k);
            const t = idx[k];
            idx[k] = idx[j];
            idx[j] = t;
            out[idx[k] * cols + c] = 0;
          }
        }
      },
    },
  );
}
