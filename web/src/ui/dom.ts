/**
 * Builds DOM nodes from data without ever parsing it as HTML: every string becomes a text node
 * or an attribute value, so a link, a run id or an error message can show `<meta ...>` as text
 * but never create an element (issue 17). The page uses this instead of innerHTML.
 */
export type Child = Node | string | number | null | undefined | false;
export type Props = Record<string, string | number | boolean | null | undefined>;

/**
 * `h("p", { class: "bad", "data-id": id }, "text ", h("b", {}, name))`: an element with its
 * attributes (`class` sets className; `true` sets an empty attribute; false, null and undefined
 * leave it out) and its children (strings become text nodes).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") el.className = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/** Appends children (strings as text nodes). */
export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** Replaces every child of `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** `<option value=v>text</option>` for each value. */
export function options(values: readonly (string | { value: string; text: string })[]): HTMLOptionElement[] {
  return values.map((v) =>
    typeof v === "string" ? h("option", { value: v }, v) : h("option", { value: v.value }, v.text),
  );
}

/** Escapes text for an HTML context (kept for code that still builds markup strings). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
