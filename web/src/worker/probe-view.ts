import type { Network } from "../../../src/nn/network.js";
import { diagnose } from "../../../src/probe/diagnose.js";
import { diagnosisText } from "../../../src/probe/format.js";
import { recommend } from "../../../src/probe/recommend.js";
import type { PredictedLayer, ProbeSnapshot, Recommendation } from "../../../src/probe/types.js";
import { toProbeView } from "../probe-convert.js";
import type { ProbeView } from "../protocol.js";

/**
 * What the page shows of a probe snapshot taken by the trainer (src/train, which probes exactly
 * as for the CLI: the fixed probe batch of the seed, the theory's prediction at step 0): every
 * finding of `diagnose` for the current snapshot (the words of `initlab inspect`), the
 * recommended initializer, and the step-0 prediction carried forward as the reference line
 * ("what the initialization predicts").
 */
export class ProbeViewer {
  private initial: (PredictedLayer | null)[] | null = null;
  private readonly rec: Recommendation | null;

  constructor(net: Network) {
    this.rec = recommendation(net);
  }

  view(snapshot: ProbeSnapshot, test: { loss: number; accuracy: number } | null): ProbeView {
    if (snapshot.step === 0) this.initial = snapshot.layers.map((l) => l.predicted);
    const findings = diagnose(snapshot, this.rec);
    const view = toProbeView(snapshot, {
      testLoss: test && Number.isFinite(test.loss) ? test.loss : null,
      testAccuracy: test ? test.accuracy : null,
      diagnosis: findings.length
        ? findings.map((f) => f.message)
        : [diagnosisText([], snapshot).replace(/^diagnosis: /, "")],
      recommendations: this.rec ? [`${this.rec.init}: ${this.rec.reason}`] : [],
    });
    if (this.initial && snapshot.step > 0) {
      view.layers.forEach((l, i) => {
        l.predPreVar = this.initial![i]?.preactVar ?? null;
        l.predGradVar = this.initial![i]?.gradVar ?? null;
      });
    }
    return view;
  }
}

/** The initializer recommended for the network's activations and sizes, with sigma_b^2 = mean b^2 of the hidden layers. */
function recommendation(net: Network): Recommendation | null {
  let s = 0;
  let n = 0;
  for (const l of net.layers.slice(0, -1)) {
    for (let i = 0; i < l.b.length; i++) s += l.b[i] * l.b[i];
    n += l.b.length;
  }
  try {
    return recommend(net.spec.activation, net.sizes, { biasVar: n > 0 ? s / n : 0 });
  } catch {
    return null;
  }
}
