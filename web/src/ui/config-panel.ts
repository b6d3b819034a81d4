import { listActivations, parseActivation } from "../../../src/nn/activations.js";
import { SETTING_GROUPS } from "../../../src/train/settings.js";
import { checkLabState, dataShape, FIELDS, type Field, isTwoD, type LabState, parseField } from "../state.js";
import { InitEditor } from "./init-editor.js";
import { escapeHtml } from "./layer-table.js";

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
  private readonly error = document.createElement("div");

  constructor(
    state: LabState,
    private readonly onChange: (s: LabState) => void,
    /** Marks the fields that differ from this state (compare mode). */
    private reference: LabState | null = null,
  ) {
    this.state = { ...state };
    this.el.className = "config";
    this.el.addEventListener("submit", (e) => e.preventDefault());
    this.error.className = "form-error";
    this.render();
  }

  set(state: LabState, reference: LabState | null = this.reference): void {
    this.state = { ...state };
    this.reference = reference;
    this.render();
  }

  private render(): void {
    this.el.innerHTML = "";
    this.editors.clear();
    for (const g of GROUPS) {
      const fs = document.createElement("fieldset");
      fs.innerHTML = `<legend>${g.title}</legend>`;
      for (const key of g.keys) {
        if (key === "noise" && !isTwoD(this.state.data)) continue;
        if (key === "momentum" && this.state.optimizer !== "sgd") continue;
        fs.append(this.row(FIELDS.find((f) => f.key === key)!));
      }
      this.el.append(fs);
    }
    this.el.append(this.error);
    this.updateFans();
  }

  private row(f: Field): HTMLElement {
    const row = document.createElement("div");
    row.className = "row";
    if (this.reference && this.reference[f.key] !== this.state[f.key]) row.classList.add("differs");
    const label = document.createElement("label");
    label.textContent = f.label;
    row.append(label);
    const value = this.state[f.key];
    if (f.key === "init" || f.key === "biasInit") {
      const ed = new InitEditor(String(value), (spec) => this.apply(f, spec), `cfg-${f.url}`);
      this.editors.set(f.key, ed);
      row.classList.add("wide");
      row.append(ed.el);
      return row;
    }
    if (f.key === "activation") {
      row.append(this.activationEditor(String(value)));
      return row;
    }
    let input: HTMLInputElement | HTMLSelectElement;
    if (f.kind.type === "enum") {
      input = document.createElement("select");
      input.innerHTML = f.kind.values.map((v) => `<option value="${v}">${v}</option>`).join("");
    } else {
      input = document.createElement("input");
      input.type = "number";
      input.min = String(f.kind.type === "spec" ? "" : f.kind.min);
      input.max = String(f.kind.type === "spec" ? "" : f.kind.max);
      input.step = f.kind.type === "int" ? "1" : "any";
    }
    input.value = String(value);
    input.dataset.testid = `cfg-${f.url}`;
    input.addEventListener("change", () => this.apply(f, input.value));
    row.append(input);
    return row;
  }

  private activationEditor(spec: string): HTMLElement {
    const wrap = document.createElement("div");
    wrap.className = "act-editor";
    const act = safeActivation(spec);
    const select = document.createElement("select");
    select.dataset.testid = "cfg-act";
    select.innerHTML = ACTIVATIONS.map((a) => `<option value="${a.name}">${a.name}</option>`).join("");
    select.value = act?.name ?? "relu";
    const def = ACTIVATIONS.find((a) => a.name === select.value);
    const param = document.createElement("input");
    param.type = "number";
    param.step = "any";
    param.title = def?.param ? def.param.name : "";
    param.hidden = !def?.param;
    param.value =
      act?.param !== null && act?.param !== undefined ? String(act.param) : String(def?.param?.default ?? "");
    const info = document.createElement("div");
    info.className = "init-note muted";
    info.textContent = def ? def.formula : "";
    const emit = (withParam: boolean) => {
      const d = ACTIVATIONS.find((a) => a.name === select.value);
      const p = param.value.trim();
      this.apply(
        FIELDS.find((f) => f.key === "activation")!,
        d?.param && withParam && p !== "" ? `${select.value}(${p})` : select.value,
      );
    };
    select.addEventListener("change", () => emit(false));
    param.addEventListener("change", () => emit(true));
    wrap.append(select, param, info);
    return wrap;
  }

  private apply(f: Field, raw: string): void {
    try {
      const next = { ...this.state, [f.key]: parseField(f, raw) } as LabState;
      if (f.key === "activation") parseActivation(next.activation);
      checkLabState(next);
      this.error.textContent = "";
      const rerender = f.key === "data" || f.key === "optimizer" || f.key === "activation";
      this.state = next;
      if (rerender) this.render();
      else this.updateFans();
      this.onChange({ ...next });
    } catch (e) {
      this.error.innerHTML = escapeHtml((e as Error).message);
    }
  }

  private updateFans(): void {
    const { inputDim } = dataShape(this.state.data);
    const fanIn = this.state.depth >= 2 ? this.state.width : inputDim;
    for (const ed of this.editors.values()) ed.setFans(fanIn, this.state.width);
  }
}

function safeActivation(spec: string) {
  try {
    return parseActivation(spec);
  } catch {
    return null;
  }
}
