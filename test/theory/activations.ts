// Activations for the theory tests, written out here so that the tests do not depend on src/nn.

import { erf } from "../../src/math/special.js";
import { SELU_ALPHA, SELU_LAMBDA } from "../../src/theory/closed-forms.js";
import type { ScalarActivation } from "../../src/theory/types.js";

export const relu: ScalarActivation = { name: "relu", f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0) };

export function leakyRelu(a: number): ScalarActivation {
  return { name: `leaky_relu(${a})`, f: (x) => (x > 0 ? x : a * x), df: (x) => (x > 0 ? 1 : a) };
}

export const tanh: ScalarActivation = {
  name: "tanh",
  f: Math.tanh,
  df: (x) => {
    const t = Math.tanh(x);
    return 1 - t * t;
  },
};

export const sigmoid: ScalarActivation = {
  name: "sigmoid",
  f: (x) => 1 / (1 + Math.exp(-x)),
  df: (x) => {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 - s);
  },
};

export const hardTanh: ScalarActivation = {
  name: "hard_tanh",
  f: (x) => Math.min(1, Math.max(-1, x)),
  df: (x) => (x > -1 && x < 1 ? 1 : 0),
};

export function elu(alpha = 1, scale = 1): ScalarActivation {
  return {
    name: scale === 1 ? `elu(${alpha})` : "selu",
    f: (x) => scale * (x > 0 ? x : alpha * Math.expm1(x)),
    df: (x) => scale * (x > 0 ? 1 : alpha * Math.exp(x)),
  };
}

export const selu = elu(SELU_ALPHA, SELU_LAMBDA);

/** phi(x) = erf(a x), phi'(x) = (2a/sqrt(pi)) exp(-a^2 x^2). */
export function erfAct(a: number): ScalarActivation {
  return {
    name: `erf(${a}x)`,
    f: (x) => erf(a * x),
    df: (x) => ((2 * a) / Math.sqrt(Math.PI)) * Math.exp(-a * a * x * x),
  };
}

export const identity: ScalarActivation = { name: "identity", f: (x) => x, df: () => 1 };
