/** Resolves spec strings against the registry: `parseInit` and `listInitializers`. */
import { UserError } from "../errors.js";
import { type ArgDef, INITIALIZERS, type InitDef } from "./registry.js";
import { parseSpecSyntax, type RawArg } from "./spec.js";
import type { ArgValue, Initializer } from "./types.js";

interface Resolved {
  def: InitDef;
  defaults: Record<string, ArgValue>;
}

const BY_NAME = new Map<string, Resolved>();
for (const def of INITIALIZERS) {
  const base: Record<string, ArgValue> = {};
  for (const a of def.args) if (a.default !== undefined) base[a.name] = a.default;
  BY_NAME.set(def.name, { def, defaults: base });
  for (const alias of def.aliases) BY_NAME.set(alias.name, { def, defaults: { ...base, ...alias.defaults } });
}
const ALL_NAMES = [...BY_NAME.keys()].sort();

/**
 * Parses a spec such as `kaiming_uniform(a=sqrt(5), mode=fan_out)` or `sparse(0.9)` into an
 * Initializer. Names, keys and word values are case-insensitive. Throws UserError on an unknown
 * name (listing every valid name), an unknown or repeated argument (listing the valid ones), a
 * missing required argument, or a bad value (naming it and the rule).
 */
export function parseInit(spec: string): Initializer {
  const raw = parseSpecSyntax(spec);
  const found = BY_NAME.get(raw.name);
  if (!found) throw new UserError(`unknown initializer "${raw.name}"; valid: ${ALL_NAMES.join(", ")}`);
  const { def } = found;
  const given = bindArgs(def, raw.args);
  const args: Record<string, ArgValue> = {};
  for (const a of def.args) {
    const v = given.has(a.name) ? checkType(def, a, given.get(a.name) as RawArg) : found.defaults[a.name];
    if (v === undefined) throw new UserError(`${def.name} needs argument "${a.name}" (${signature(def)})`);
    args[a.name] = v;
  }
  return def.build(args);
}

function signature(def: InitDef): string {
  const parts = def.args.map((a) => (a.default === undefined ? a.name : `${a.name}=${a.default}`));
  return `${def.name}(${parts.join(", ")})`;
}

/** Matches positional and keyword arguments to the declared ones. */
function bindArgs(def: InitDef, args: RawArg[]): Map<string, RawArg> {
  const given = new Map<string, RawArg>();
  let sawKey = false;
  args.forEach((arg, i) => {
    if (def.args.length === 0) throw new UserError(`${def.name} takes no arguments, got "${arg.text}"`);
    let name: string;
    if (arg.key === null) {
      if (sawKey)
        throw new UserError(`${def.name}: positional argument "${arg.text}" after a keyword argument`);
      if (i >= def.args.length) {
        throw new UserError(
          `${def.name} takes at most ${def.args.length} arguments (${signature(def)}), got ${args.length}`,
        );
      }
      name = def.args[i].name;
    } else {
      sawKey = true;
      name = arg.key;
      if (!def.args.some((a) => a.name === name)) {
        throw new UserError(
          `unknown argument "${name}" for ${def.name}; valid: ${def.args.map((a) => a.name).join(", ")}`,
        );
      }
    }
    if (given.has(name)) throw new UserError(`${def.name}: argument "${name}" is given twice`);
    given.set(name, arg);
  });
  return given;
}

function checkType(def: InitDef, a: ArgDef, arg: RawArg): ArgValue {
  const v = arg.value;
  if (a.choices) {
    if (typeof v === "string" && a.choices.includes(v)) return v;
    throw new UserError(`${def.name}: ${a.name}=${arg.text} is not valid; valid: ${a.choices.join(", ")}`);
  }
  if (typeof v !== "number") throw new UserError(`${def.name}: ${a.name}=${arg.text} is not a number`);
  return v;
}

export interface InitializerInfo {
  name: string;
  aliases: string[];
  args: { name: string; default: unknown; type: string }[];
  formula: string;
  reference: string;
  /** For aliases that change defaults, e.g. { he_normal: { nonlinearity: "relu" } }. */
  aliasDefaults: Record<string, Record<string, ArgValue>>;
}

/** Every initializer with its aliases, declared arguments (default null = required), formula and reference. */
export function listInitializers(): InitializerInfo[] {
  return INITIALIZERS.map((d) => ({
    name: d.name,
    aliases: d.aliases.map((a) => a.name),
    args: d.args.map((a) => ({ name: a.name, default: a.default ?? null, type: a.type })),
    formula: d.formula,
    reference: d.reference,
    aliasDefaults: Object.fromEntries(
      d.aliases.filter((a) => a.defaults).map((a) => [a.name, { ...a.defaults }]),
    ),
  }));
}
