/**
 * The logistic function sigma(z) = 1 / (1 + e^-z), written so that neither branch overflows:
 * e^z / (1 + e^z) for z < 0. Its derivative is sigma (1 - sigma) <= 1/4. The one copy used by the
 * reference kernels, the activation table and the cross-entropy loss (d/dy of log(1 + e^y)).
 */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
