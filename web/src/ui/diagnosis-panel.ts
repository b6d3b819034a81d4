import type { LabRun } from "../lab-run.js";
import type { ProbeView } from "../protocol.js";
import { escapeHtml } from "./layer-table.js";
import { fmt } from "./theme.js";

const PHASE_TEXT = {
  ordered: "ordered: chi_1 < 1, signals and gradients shrink layer by layer (vanishing)",
  critical: "critical: chi_1 = 1, the edge of chaos; deep signals and gradients keep their scale",
  chaotic: "chaotic: chi_1 > 1, gradients grow layer by layer toward the input (explosion)",
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
      parts.push(
        `<div class="phase phase-${mf.phase}" data-testid="phase" data-phase="${mf.phase}">` +
          `<b>${mf.phase}</b> <span>${escapeHtml(PHASE_TEXT[mf.phase].split(": ")[1])}</span></div>` +
          `<div class="mf-numbers">σ<sub>w</sub>² = ${fmt(mf.sigmaW2, 3)}, σ<sub>b</sub>² = ${fmt(mf.sigmaB2, 3)}, ` +
          `χ<sub>1</sub> = ${fmt(mf.chi1, 3)}, q* = ${fmt(mf.qStar, 3)}; critical σ<sub>w</sub>² = ${fmt(mf.criticalSigmaW2, 3)}` +
          `${Number.isFinite(mf.trainableDepth) ? `; trainable to depth ≈ ${fmt(mf.trainableDepth, 2)} (6 ξ<sub>c</sub>)` : ""}</div>`,
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
