import { listActivations, parseActivation } from "../../../src/nn/activations.js";
import { SETTING_GROUPS } from "../../../src/train/settings.js";
import {
  checkLabState,
  dataShape,
  FIELDS,
  type Field,
  fieldText,
  isTwoD,
  type LabState,
  parseField,
  REGRESSION_DATASETS,
  sameValue,
} from "../state.js";
import { toTrainConfig } from "../state-config.js";
import { h, options } from "./dom.js";
import { InitEditor } from "./init-editor.js";
import { LayersEditor } from "./layers-editor.js";

/** The form's fieldsets: the settings table's groups, each with its fields in table order. */
const GROUPS: { title: string; keys: (keyof LabState)[] }[] = Object.entries(SETTING_GROUPS)
  .map(([group, title]) => ({ title, keys: FIELDS.filter((f) => f.group === group).map((f) => f.key) }))
  .filter((g) => g.keys.length > 0);

const ACTIVATIONS = listActivations();

/**
 * The settings form of one configuration, generated from the state table (FIELDS). Every edit
 * is checked (field rules, then the size limits) and, when valid, handed to `onChange`; a bad
 * value is shown next to its field and changes nothing.
 */
export class ConfigPanel {
  readonly el = document.createElement("form");
  private state: LabState;
  private readonly editors = new Map<string, InitEditor>();
  private layers: LayersEditor | null = null;
  /** The error line of each field shown. */
  private readonly errors = new Map<keyof LabState, HTMLElement>();

  constructor(
    state: LabState,
    private readonly onChange: (s: LabState) => void,
    /** Marks the fields that differ from this state (compare mode). */
    private reference: LabState | null = null,
  ) {
    this.state = { ...state };
    this.el.className = "config";
    this.el.addEventListener("submit", (e) => e.preventDefault());
    this.render();
  }

  set(state: LabState, reference: LabState | null = this.reference): void {
    this.state = { ...state };
    this.reference = reference;
    this.render();
  }

  private render(): void {
    this.el.replaceChildren();
    this.editors.clear();
    this.layers = null;
    this.errors.clear();
    for (const g of GROUPS) {
      const fs = h("fieldset", {}, h("legend", {}, g.title));
      for (const key of g.keys) {
        if (!relevant(key, this.state)) continue;
        fs.append(this.row(FIELDS.find((f) => f.key === key)!));
      }
      this.el.append(fs);
    }
    this.updateFans();
  }

  /**
   * One setting: its label tied to its control (`for` = the control's id), the control, and the
   * place of its error message (announced to screen readers, referenced by aria-describedby).
   */
  private row(f: Field): HTMLElement {
    const id = `f-${f.url}`;
    const errorId = `${id}-error`;
    const row = h("div", { class: "row", "data-field": f.url });
    if (this.reference && !sameValue(this.reference[f.key], this.state[f.key])) row.classList.add("differs");
    const label = h("label", { for: id }, f.label);
    const error = h("div", {
      class: "field-error",
      id: errorId,
      "aria-live": "polite",
      "data-testid": `err-${f.url}`,
    });
    this.errors.set(f.key, error);
    row.append(label);
    const value = this.state[f.key];
    if (f.key === "init" || f.key === "biasInit") {
      const ed = new InitEditor(String(value), (spec) => this.apply(f, spec), `cfg-${f.url}`, id, f.label);
      this.editors.set(f.key, ed);
      row.classList.add("wide");
      row.append(ed.el, error);
      return row;
    }
    if (f.kind.type === "sizes") {
      this.layers = new LayersEditor(this.state.hidden, id, errorId, f.kind, (text) => this.apply(f, text));
      this.layers.setBlock(residualOf(this.state));
      row.classList.add("wide", "layers");
      row.append(this.layers.el, error);
      return row;
    }
    if (f.key === "activation") {
      row.classList.add("wide");
      row.append(this.activationEditor(String(value), id), error);
      return row;
    }
    let input: HTMLInputElement | HTMLSelectElement;
    if (f.kind.type === "enum" || f.kind.type === "bool") {
      input = h("select", {}, ...options(f.kind.type === "bool" ? ["false", "true"] : f.kind.values));
    } else {
      input = h("input", {
        type: "number",
        min: f.kind.type === "spec" ? "" : f.kind.min,
        max: f.kind.type === "spec" ? "" : f.kind.max,
        step: f.kind.type === "int" ? "1" : "any",
        inputmode: f.kind.type === "int" ? "numeric" : "decimal",
      });
    }
    input.id = id;
    input.setAttribute("aria-describedby", errorId);
    input.value = String(value);
    input.dataset.testid = `cfg-${f.url}`;
    input.addEventListener("change", () => {
      // a value the run cannot use is refused: the field shows the value in use again
      if (!this.apply(f, input.value)) input.value = String(this.state[f.key]);
    });
    row.append(input, error);
    return row;
  }

  private activationEditor(spec: string, id: string): HTMLElement {
    const wrap = h("div", { class: "act-editor" });
    const act = safeActivation(spec);
    const select = h("select", { id, "data-testid": "cfg-act", "aria-describedby": `${id}-error` });
    select.append(...options(ACTIVATIONS.map((a) => a.name)));
    select.value = act?.name ?? "relu";
    const def = ACTIVATIONS.find((a) => a.name === select.value);
    const param = h("input", { type: "number", step: "any", inputmode: "decimal" });
    param.title = def?.param ? def.param.name : "";
    param.setAttribute("aria-label", `activation parameter ${def?.param?.name ?? ""}`.trim());
    param.hidden = !def?.param;
    param.value =
      act?.param !== null && act?.param !== undefined ? String(act.param) : String(def?.param?.default ?? "");
    const info = h("div", { class: "init-note muted" }, def ? def.formula : "");
    const emit = (withParam: boolean) => {
      const d = ACTIVATIONS.find((a) => a.name === select.value);
      const p = param.value.trim();
      const ok = this.apply(
        FIELDS.find((f) => f.key === "activation")!,
        d?.param && withParam && p !== "" ? `${select.value}(${p})` : select.value,
      );
      if (!ok) {
        const cur = safeActivation(this.state.activation);
        select.value = cur?.name ?? select.value;
        param.value = cur?.param !== null && cur?.param !== undefined ? String(cur.param) : param.value;
      }
    };
    select.addEventListener("change", () => emit(false));
    param.addEventListener("change", () => emit(true));
    wrap.append(select, param, info);
    return wrap;
  }

  /** Applies one edited field; false (with the message next to the field) when the value is refused. */
  private apply(f: Field, raw: string): boolean {
    const error = this.errors.get(f.key);
    try {
      const next = { ...this.state, [f.key]: parseField(f, raw) } as LabState;
      if (f.key === "activation") parseActivation(next.activation);
      checkLabState(next);
      // what only the whole configuration can say (a residual network's shape, ...): the table's message
      try {
        toTrainConfig(next);
      } catch (e) {
        const lines = (e as Error).message.split("\n").slice(1);
        throw new Error(lines.length ? lines.map((l) => l.trim()).join("; ") : (e as Error).message);
      }
      if (error) error.textContent = "";
      error?.closest(".row")?.classList.remove("invalid");
      const rerender = RERENDER.has(f.key);
      this.state = next;
      if (rerender) this.render();
      else this.updateFans();
      this.layers?.setBlock(residualOf(next));
      this.onChange({ ...next });
      return true;
    } catch (e) {
      if (error) {
        error.textContent = `${(e as Error).message}; still using ${fieldText(f, this.state[f.key])}`;
        error.closest(".row")?.classList.add("invalid");
      }
      this.editors.get(f.key)?.set(String(this.state[f.key]));
      if (f.kind.type === "sizes") this.layers?.set(this.state.hidden);
      return false;
    }
  }

  private updateFans(): void {
    const { inputDim } = dataShape(this.state.data, this.state.features);
    // the fans of the first hidden-to-hidden layer (else the input layer's)
    const [w0, w1] = this.state.hidden;
    const fanIn = w1 !== undefined ? w0 : inputDim;
    for (const ed of this.editors.values())
      ed.setFans(fanIn, w1 ?? w0 ?? dataShape(this.state.data).numClasses);
  }
}

/** The fields whose value shows or hides others (see `relevant`), or changes the form's text. */
const RERENDER: ReadonlySet<string> = new Set([
  "data",
  "optimizer",
  "activation",
  "residual",
  "branchScale",
  "norm",
]);

/** Whether a field means anything for this state (a field that does not is left out of the form). */
function relevant(key: keyof LabState, s: LabState): boolean {
  const v = s as unknown as Record<string, unknown>;
  switch (key as string) {
    case "noise":
    case "features":
      return isTwoD(s.data);
    case "loss":
      // a regression set's loss is mse (state-config.ts)
      return !REGRESSION_DATASETS.includes(s.data);
    case "momentum":
      return s.optimizer === "sgd";
    case "branchScale":
    case "branchInit":
      return residualOf(s) > 0;
    case "branchConst":
      return residualOf(s) > 0 && v.branchScale === "const";
    case "normPlace":
      return v.norm !== undefined && v.norm !== "none";
    default:
      return true;
  }
}

/** Layers per residual block of a state (0: a plain MLP, or a lab without the setting). */
function residualOf(s: LabState): number {
  return Number((s as { residual?: number }).residual ?? 0);
}

function safeActivation(spec: string) {
  try {
    return parseActivation(spec);
  } catch {
    return null;
  }
}
