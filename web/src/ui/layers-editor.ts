import { sizesText } from "../../../src/train/setting-kinds.js";
import { h } from "./dom.js";

/** Layers up to which every layer gets its own -/+ buttons (a deeper network is edited as a list). */
export const PER_LAYER_BUTTONS = 12;

/**
 * The hidden layers' widths, edited as TensorFlow Playground does: "+ layer" / "- layer" add or
 * remove the last hidden layer, and each layer's -/+ buttons take a unit away or add one; the
 * list ("16,16,8" or "16x4") can also be typed. Every control is a native button or input
 * (keyboard and screen reader work as usual); a status line announces the new shape. Each edit
 * goes through `apply` (the form's checks: widths 1..maxWidth, at most maxLayers, the lab's size
 * limits); a refused edit leaves the shape as it was and the form shows why next to the field.
 */
export class LayersEditor {
  readonly el: HTMLElement;
  private sizes: number[];
  private block = 0;
  private readonly list: HTMLInputElement;
  private readonly rows = h("ol", { class: "layer-widths" });
  private readonly status = h("div", { class: "sr-only", "aria-live": "polite" });
  private readonly count = h("span", { class: "layer-count" });
  private readonly addLayer: HTMLButtonElement;
  private readonly removeLayer: HTMLButtonElement;

  constructor(
    sizes: number[],
    id: string,
    errorId: string,
    private readonly limits: { maxWidth: number; maxLayers: number },
    /** Applies a shape (its list text); false when refused. */
    private readonly apply: (text: string) => boolean,
  ) {
    this.sizes = [...sizes];
    this.list = h("input", {
      type: "text",
      id,
      class: "layers-list",
      "aria-describedby": errorId,
      "data-testid": "cfg-hidden",
      spellcheck: "false",
      autocomplete: "off",
      title: "widths of the hidden layers: 16,16,8 or 16x4 (none: no hidden layer)",
    });
    this.list.addEventListener("change", () => {
      if (!this.apply(this.list.value)) this.list.value = sizesText(this.sizes);
    });
    this.removeLayer = this.button("− layer", "remove the last hidden layer", "layer-remove", () =>
      this.sizes.slice(0, this.block > 0 ? -this.block : -1),
    );
    this.addLayer = this.button("+ layer", "add a hidden layer", "layer-add", () => {
      const w = this.sizes[this.sizes.length - 1] ?? 4;
      const more = this.block === 0 ? 1 : this.sizes.length === 0 ? 1 + this.block : this.block;
      return [...this.sizes, ...Array.from({ length: more }, () => w)];
    });
    this.el = h(
      "div",
      { class: "layers-editor" },
      h("div", { class: "layers-top" }, this.removeLayer, this.count, this.addLayer),
      this.list,
      this.rows,
      this.status,
    );
    this.render();
  }

  /** Shows a shape (the one in use after an edit, or one set from outside). */
  set(sizes: number[]): void {
    this.sizes = [...sizes];
    this.render();
  }

  /**
   * Residual blocks of k layers (the residual setting; 0: a plain MLP). A residual network has
   * 1 + m k hidden layers of one width: the layer buttons then add or remove a block, and the
   * unit buttons change every layer's width together.
   */
  setBlock(k: number): void {
    if (k === this.block) return;
    this.block = k;
    this.render();
  }

  private button(text: string, label: string, action: string, next: () => number[]): HTMLButtonElement {
    const b = h(
      "button",
      { type: "button", class: "small", "aria-label": label, "data-action": action },
      text,
    );
    b.addEventListener("click", () => this.edit(next(), action));
    return b;
  }

  /** Applies a new shape from a button; keeps the focus on the button pressed. */
  private edit(next: number[], action: string): void {
    if (!this.apply(sizesText(next))) return;
    this.sizes = next;
    this.render();
    this.status.textContent = describe(next);
    const again = this.el.querySelector<HTMLButtonElement>(`[data-action="${action}"]`);
    (again && !again.disabled ? again : this.list).focus();
  }

  private render(): void {
    const n = this.sizes.length;
    const { maxWidth, maxLayers } = this.limits;
    this.list.value = sizesText(this.sizes);
    this.count.textContent = n === 0 ? "none" : `${n} layer${n === 1 ? "" : "s"}`;
    const k = this.block;
    this.removeLayer.disabled = k > 0 ? n <= 1 + k : n === 0;
    this.addLayer.disabled = n + Math.max(1, k) > maxLayers;
    this.removeLayer.setAttribute(
      "aria-label",
      k > 0
        ? `remove the last residual block (${k} layer${k === 1 ? "" : "s"})`
        : "remove the last hidden layer",
    );
    this.addLayer.setAttribute(
      "aria-label",
      k > 0 ? `add a residual block (${k} layer${k === 1 ? "" : "s"})` : "add a hidden layer",
    );
    // the visible text is part of the accessible name (axe: label-content-name-mismatch)
    const unit = k > 0 ? "block" : "layer";
    if (this.removeLayer.textContent !== `− ${unit}`) this.removeLayer.textContent = `− ${unit}`;
    if (this.addLayer.textContent !== `+ ${unit}`) this.addLayer.textContent = `+ ${unit}`;
    this.addLayer.title = n >= maxLayers ? `at most ${maxLayers} hidden layers` : "";
    this.rows.replaceChildren();
    if (n > PER_LAYER_BUTTONS) {
      this.rows.append(
        h("li", { class: "muted" }, `per-layer buttons up to ${PER_LAYER_BUTTONS} layers: edit the list`),
      );
      return;
    }
    this.sizes.forEach((w, i) => {
      // residual blocks need equal widths: a unit more or less in every layer
      const set = (v: number) => this.sizes.map((x, j) => (j === i || k > 0 ? v : x));
      const where = k > 0 ? `every layer (residual blocks need one width; layer ${i + 1})` : `layer ${i + 1}`;
      const less = this.button("−", `fewer units in ${where}`, `less-${i}`, () => set(w - 1));
      const more = this.button("+", `more units in ${where}`, `more-${i}`, () => set(w + 1));
      less.disabled = w <= 1;
      more.disabled = w >= maxWidth;
      if (more.disabled) more.title = `at most ${maxWidth} units`;
      this.rows.append(
        h(
          "li",
          { "data-testid": `layer-${i + 1}` },
          h("span", { class: "muted" }, `${i + 1}`),
          less,
          h("span", { class: "layer-width" }, String(w)),
          more,
        ),
      );
    });
  }
}

function describe(sizes: number[]): string {
  const n = sizes.length;
  return n === 0 ? "no hidden layer" : `${n} hidden layer${n === 1 ? "" : "s"}: ${sizes.join(", ")}`;
}
