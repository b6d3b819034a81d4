import type { LabRun } from "../lab-run.js";
import type { ProbeView } from "../protocol.js";
import { escapeHtml } from "./layer-table.js";
import { fmt } from "./theme.js";

const PHASE_TEXT = {
  ordered: "chi_1 < 1, signals and gradients shrink layer by layer (vanishing)",
  critical: "chi_1 = 1 within the tolerance, the edge of chaos; deep signals and gradients keep their scale",
  chaotic:
    "chi_1 > 1, gradients grow layer by layer toward the input (explosion) and nearby inputs decorrelate",
  exploding:
    "chi_1 > 1 with no finite fixed point: the signal grows layer by layer (and the gradients toward the input); ReLU has no chaotic phase, its inputs still become correlated with depth",
  dead: "every unit of a hidden layer is dead on the probe batch: no signal and no gradient pass it, whatever chi_1 was at initialization",
} as const;

/**
 * The run in words: the mean-field phase of the initialization (sigma_w^2, sigma_b^2, chi_1, q*,
 * the critical sigma_w^2 and the trainable depth), and the diagnosis and recommendations of
 * `initlab inspect` for the latest probe.
 */
export class DiagnosisPanel {
  readonly el = document.createElement("div");
  private drawn = -1;
  private shown: ProbeView | null = null;

  constructor(
    parent: HTMLElement,
    private readonly run: () => LabRun | null,
  ) {
    this.el.className = "diagnosis";
    // long reasons (recommendations quote formulas and papers) wrap inside the panel instead of being cut off
    this.el.style.whiteSpace = "normal";
    this.el.style.overflowWrap = "anywhere";
    this.el.style.minWidth = "0";
    parent.append(this.el);
  }

  update(p: ProbeView | null): void {
    const run = this.run();
    if (!run || (run.version === this.drawn && p === this.shown)) return;
    this.drawn = run.version;
    this.shown = p;
    const mf = run.info?.meanField ?? null;
    const parts: string[] = [];
    if (mf) {
      // a probe that shows a hidden layer with every unit dead overrides the initialization's phase
      const deadLayer = p?.layers.slice(0, -1).find((l) => l.dead === 1) ?? null;
      const phase = deadLayer ? "dead" : mf.phase;
      const bias =
        "biasMean" in mf && typeof mf.biasMean === "number" && mf.biasMean !== 0
          ? `bias mean ${fmt(mf.biasMean, 3)} (constant), σ<sub>b</sub>² = ${fmt(mf.sigmaB2, 3)}`
          : `σ<sub>b</sub>² = ${fmt(mf.sigmaB2, 3)}`;
      const critical = Number.isFinite(mf.criticalSigmaW2)
        ? `; critical σ<sub>w</sub>² = ${fmt(mf.criticalSigmaW2, 3)}`
        : "";
      parts.push(
        `<div class="phase phase-${phase === "dead" ? "ordered" : phase}" data-testid="phase" data-phase="${phase}">` +
          `<b>${phase}</b> <span>${escapeHtml(PHASE_TEXT[phase])}${deadLayer ? ` (layer ${deadLayer.layer})` : ""}</span></div>` +
          `<div class="mf-numbers">σ<sub>w</sub>² = ${fmt(mf.sigmaW2, 3)}, ${bias}, ` +
          `χ<sub>1</sub> = ${fmt(mf.chi1, 3)}, q* = ${fmt(mf.qStar, 3)}${critical}` +
          `${Number.isFinite(mf.trainableDepth) ? `; trainable to depth ≈ ${fmt(mf.trainableDepth, 2)} (6 ξ<sub>c</sub>)` : ""}</div>` +
          (mf.scope
            ? `<p class="muted" data-testid="phase-scope">Not a plain MLP: ${escapeHtml(mf.scope)}.</p>`
            : ""),
      );
    }
    if (run.diverged)
      parts.push(
        `<p class=bad>Diverged at step ${run.diverged.atStep ?? "?"}: the loss or a gradient became NaN or infinite.</p>`,
      );
    if (p) {
      if (p.diagnosis.length)
        parts.push(
          `<h4>Diagnosis (step ${p.step})</h4><ul>${p.diagnosis.map((d) => `<li>${escapeHtml(d)}</li>`).join("")}</ul>`,
        );
      else
        parts.push(
          `<h4>Diagnosis (step ${p.step})</h4><p class=muted>no problem found in the per-layer statistics</p>`,
        );
      if (p.recommendations.length) {
        parts.push(
          `<h4>Recommendation</h4><ul>${p.recommendations.map((d) => `<li>${escapeHtml(d)}</li>`).join("")}</ul>`,
        );
      }
    }
    this.el.innerHTML = parts.join("");
  }
}
