import { diagnosisText } from "../../../src/probe/format.js";
import type { Inspection } from "../../../src/probe/inspect.js";
import type { PredictedLayer } from "../../../src/probe/types.js";
import { toProbeView, withInitialBlockTheory } from "../probe-convert.js";
import type { ProbeView } from "../protocol.js";

/**
 * What the page shows of a probe taken by the trainer (src/train runs `inspect` from src/probe at
 * every probe, exactly as `initlab inspect` does: the fixed probe batch of the seed, the theory's
 * prediction at step 0): every finding of that inspection (the words of `initlab inspect`), its
 * recommendation (or the advice to keep the init in use), and the step-0 prediction carried
 * forward as the reference line ("what the initialization predicts").
 */
export class ProbeViewer {
  private initial: (PredictedLayer | null)[] | null = null;
  private initialBlocks: (number | null)[] | null = null;

  view(inspection: Inspection, test: { loss: number; accuracy: number } | null): ProbeView {
    const { snapshot, diagnosis, recommendation } = inspection;
    if (snapshot.step === 0) {
      this.initial = snapshot.layers.map((l) => l.predicted);
      this.initialBlocks = snapshot.blocks?.map((b) => b.predictedStreamSecond) ?? null;
    }
    const view = toProbeView(snapshot, {
      testLoss: test && Number.isFinite(test.loss) ? test.loss : null,
      testAccuracy: test && Number.isFinite(test.accuracy) ? test.accuracy : null,
      diagnosis: diagnosis.length
        ? diagnosis.map((f) => f.message)
        : [diagnosisText([], snapshot).replace(/^diagnosis: /, "")],
      recommendations: recommendation
        ? [`${recommendation.inUse ? "keep " : ""}${recommendation.init}: ${recommendation.reason}`]
        : [],
    });
    if (this.initial && snapshot.step > 0) {
      view.layers.forEach((l, i) => {
        l.predPreVar = this.initial![i]?.preactVar ?? null;
        l.predGradVar = this.initial![i]?.gradVar ?? null;
      });
    }
    if (snapshot.step > 0) view.blocks = withInitialBlockTheory(view.blocks, this.initialBlocks);
    return view;
  }
}
