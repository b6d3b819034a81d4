/**
 * Recommended gains: the factor by which a nonlinearity's weights are scaled so that the
 * second moment of the signal is kept from layer to layer. PyTorch's
 * `torch.nn.init.calculate_gain` table, exactly (PyTorch 1.13 - 2.x), plus "identity" as a
 * synonym of "linear".
 */
import { UserError } from "../errors.js";

/** Every nonlinearity name `calculateGain` accepts. */
export const GAIN_NONLINEARITIES: readonly string[] = [
  "linear",
  "identity",
  "conv1d",
  "conv2d",
  "conv3d",
  "conv_transpose1d",
  "conv_transpose2d",
  "conv_transpose3d",
  "sigmoid",
  "tanh",
  "relu",
  "leaky_relu",
  "selu",
];

/**
 * gain(nonlinearity):
 * - linear, identity, conv*, conv_transpose*, sigmoid: 1
 * - tanh: 5/3 (an empirical value, PyTorch docs)
 * - relu: sqrt(2) (He et al. 2015, arXiv:1502.01852, eq. 10: ReLU halves E[z^2])
 * - leaky_relu: sqrt(2 / (1 + a^2)), default slope a = 0.01 (He et al. 2015, eq. 15 for PReLU)
 * - selu: 3/4 (PyTorch's choice: SELU with this gain and Kaiming fan_in keeps the variance near 1)
 * `param` is the negative slope of leaky_relu; PyTorch ignores it for every other name.
 */
export function calculateGain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "identity":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.sqrt(2);
    case "leaky_relu":
      return leakyReluGain(param);
    case "selu":
      return 3 / 4;
    default:
      throw new UserError(`unknown nonlinearity "${nonlinearity}"; valid: ${GAIN_NONLINEARITIES.join(", ")}`);
  }
}

function leakyReluGain(param: number | undefined): number {
  const slope = param ?? 0.01;
  if (typeof slope !== "number" || !Number.isFinite(slope)) {
    throw new UserError(`negative_slope ${slope} is not valid for leaky_relu: expected a finite number`);
  }
  return Math.sqrt(2 / (1 + slope * slope));
}
