/**
 * Identity initialization: W = I, ones on the diagonal of the rows x cols matrix and zeros
 * elsewhere (PyTorch `eye_`). A square linear layer starts as the identity map, so a deep
 * stack passes its input through unchanged (Le, Jaitly & Hinton 2015, arXiv:1504.00941, for
 * ReLU RNNs). A random entry of a dense layer's W (rows = fan_out, cols = fan_in) equals 1 with
 * probability p = 1 / max(rows, cols): mean p, variance p (1 - p).
 */
import { defineInitializer } from "./initializer.js";
import type { Initializer } from "./types.js";

export function eye(): Initializer {
  return defineInitializer(
    "eye",
    {},
    {
      describe(fanIn, fanOut) {
        const big = Math.max(fanIn, fanOut);
        const p = big > 0 ? 1 / big : 0;
        const variance = p * (1 - p);
        return {
          distribution: "identity",
          mean: p,
          std: Math.sqrt(variance),
          bound: null,
          variance,
          support: [p === 1 ? 1 : 0, p > 0 ? 1 : 0],
        };
      },
      fill(out, shape, n) {
        const { rows, cols } = shape;
        out.fill(0, 0, n);
        const k = Math.min(rows, cols);
        for (let i = 0; i < k; i++) out[i * cols + i] = 1;
      },
    },
  );
}
