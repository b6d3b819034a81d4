import { parseInit } from "../../../src/init/index.js";
import { parseActivation } from "../../../src/nn/activations.js";
import { criticalSigmaW2, meanField } from "../../../src/theory/mean-field.js";
import type { MeanFieldView } from "../protocol.js";
import type { LabState } from "../state.js";

/**
 * The mean-field phase of the hidden layers (Poole et al. 2016; Schoenholz et al. 2017):
 * sigma_w^2 = fan_in Var(w) of a hidden-to-hidden layer (the first layer when there is only one)
 * and sigma_b^2 = E[b^2] of the bias initializer, both from the initializers' exact statistics.
 * null when there is no hidden layer or the theory has no answer for the settings.
 */
export function meanFieldView(s: LabState, inputDim: number): MeanFieldView | null {
  if (s.depth === 0) return null;
  try {
    const act = parseActivation(s.activation);
    const fanIn = s.depth >= 2 ? s.width : inputDim;
    const w = parseInit(s.init).describe(fanIn, s.width);
    const b = parseInit(s.biasInit).describe(fanIn, s.width);
    const sigmaW2 = fanIn * (w.variance + w.mean * w.mean);
    const sigmaB2 = b.variance + b.mean * b.mean;
    if (!(sigmaW2 > 0)) return null;
    const r = meanField(act, sigmaW2, sigmaB2);
    return {
      activation: act.spec,
      sigmaW2,
      sigmaB2,
      qStar: r.qStar,
      chi1: r.chi1,
      phase: r.phase,
      criticalSigmaW2: criticalSigmaW2(act, sigmaB2),
      trainableDepth: r.trainableDepth,
    };
  } catch {
    return null;
  }
}
