/**
 * The SELU constants alpha_01 and lambda_01 of Klambauer et al. 2017, "Self-Normalizing Neural
 * Networks" (arXiv:1706.02515, eq. 14): with them, selu(z) = lambda z (z > 0), lambda alpha
 * (e^z - 1) (z <= 0) maps N(0, 1) pre-activations to mean 0 and variance 1. The digits after the
 * comments are the paper's; the doubles are the nearest to them.
 */
export const SELU_ALPHA = 1.6732632423543772; // 1.6732632423543772848170429916717
export const SELU_LAMBDA = 1.0507009873554805; // 1.0507009873554804934193349852946
