/**
 * Fans of a weight tensor. fan_in is the number of inputs that sum into one output unit (it
 * sets the variance of the forward signal, Var(z) = fan_in Var(w) Var(x)); fan_out is the
 * number of outputs one input feeds (it sets the variance of the backward gradient,
 * Var(dx) = fan_out Var(w) Var(dz)). Glorot & Bengio 2010, AISTATS, sec. 4.2.
 */
import { UserError } from "../errors.js";

export type FanMode = "fan_in" | "fan_out" | "fan_avg";
export const FAN_MODES: readonly FanMode[] = ["fan_in", "fan_out", "fan_avg"];

/**
 * PyTorch's `torch.nn.init._calculate_fan_in_and_fan_out`: the shape is
 * [out, in, ...kernel] (Linear: [out, in]; ConvNd: [out_channels, in_channels / groups, k1, ...]);
 * receptive = product of the kernel dims; fanIn = in * receptive, fanOut = out * receptive.
 * Fewer than 2 dimensions is an error, as in PyTorch.
 */
export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new UserError(
      `cannot compute fan in and fan out of shape [${shape.join(", ")}]: it has fewer than 2 dimensions (expected [out, in, ...kernel])`,
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new UserError(
        `shape [${shape.join(", ")}] has an invalid dimension ${d}: dimensions are integers >= 0`,
      );
    }
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** The fan a variance-scaling mode divides by: fan_in, fan_out, or fan_avg = (fan_in + fan_out) / 2. */
export function fanForMode(mode: FanMode, fanIn: number, fanOut: number): number {
  if (mode === "fan_in") return fanIn;
  if (mode === "fan_out") return fanOut;
  return (fanIn + fanOut) / 2;
}
