/**
 * Gradient explosion in deep batch-normalized networks at initialization (Yang, Pennington, Rao,
 * Sohl-Dickstein & Schoenholz 2019, "A Mean Field Theory of Batch Normalization",
 * arXiv:1902.08129). In a plain (non-residual) network whose every hidden layer is
 * dense -> BatchNorm (batch statistics) -> phi, at initialization and in the limit of large width
 * and large batch, the squared norm of the weight gradient grows by a constant factor per layer
 * toward the input:
 *
 *   ||dL/dW_l||^2 / ||dL/dW_{l+1}||^2 -> lambda,   lambda = pi / (pi - 1) = 1.467 for ReLU,
 *
 * whatever the weights' scale (BatchNorm divides it out), so no initialization removes it;
 * residual connections do (the gradient reaches every layer through the skips). The constant is
 * the paper's large-batch limit; at a finite batch the measured factor differs (the experiment
 * batchnorm-depth reports it at two batch sizes).
 */

/** Yang et al. 2019's per-layer growth of the squared weight-gradient norm for BatchNorm + ReLU: pi / (pi - 1). */
export const BN_RELU_GRADIENT_FACTOR = Math.PI / (Math.PI - 1);
