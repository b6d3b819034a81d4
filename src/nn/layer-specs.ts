import { UserError } from "../errors.js";
import { type Initializer, parseInit } from "../init/index.js";
import type { Activation } from "./activation.js";
import { parseActivation } from "./activations.js";

/*
 * Per-layer spec lists: `--activation relu,tanh` gives one activation per hidden layer,
 * `--init he_normal` one initializer for every layer. The one place such a list is split,
 * counted and parsed (the network, the settings check and the probes all call these).
 */

/** Splits "a,b(1,2),c" at top-level commas (commas inside parentheses stay). */
export function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") out.push(cur.trim());
  return out;
}

/** One spec per layer: a single spec repeated `count` times, or exactly `count` specs. */
export function perLayer(value: string | readonly string[], count: number, what: string): string[] {
  const list = typeof value === "string" ? splitTopLevel(value) : [...value];
  if (list.length === 1) return Array.from({ length: count }, () => list[0]);
  if (list.length !== count) {
    throw new UserError(
      `${what}: got ${list.length} values (${list.join(", ")}) for ${count} layers; give one, or one per layer`,
    );
  }
  return list;
}

/**
 * The activations of a network with `hiddenLayers` hidden layers, parsed (one per hidden layer;
 * a network without hidden layers still parses its one spec, so a typo is never silent).
 */
export function activationsFor(spec: string | readonly string[], hiddenLayers: number): Activation[] {
  return perLayer(spec, Math.max(1, hiddenLayers), "activation").map(parseActivation);
}

/** The weight initializers of a network with `layers` dense layers (hidden + output), parsed. */
export function initsFor(spec: string | readonly string[], layers: number): Initializer[] {
  return perLayer(spec, layers, "init").map(parseInit);
}
