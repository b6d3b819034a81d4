import type { Command } from "commander";
import { UserError } from "../errors.js";
import { SETTING_KEYS, type SettingKey, TRAIN_DEFAULTS, type TrainConfig } from "../train/config.js";
import { allowedText, formatKindValue, kindProblem, parseKindText } from "../train/setting-kinds.js";
import { flagOf, settingOf } from "../train/settings.js";

/**
 * The run-setting flags of `train`, `inspect` and `export`, generated from the settings table
 * (src/train/settings.ts): one flag per setting with a CLI flag, its help from the table's doc,
 * allowed values and default. A flag's value is read and checked by the table's own rule, so a
 * bad value stops the command before anything is loaded. Defaults are applied by resolveConfig:
 * a flag the user did not give is simply absent here.
 */
export function addTrainOptions(
  cmd: Command,
  options: { atInitOnly?: boolean; only?: readonly SettingKey[] } = {},
): Command {
  for (const key of SETTING_KEYS) {
    const s = settingOf(key);
    const flag = flagOf(key);
    if (flag === null || (options.atInitOnly && !s.atInit)) continue;
    if (options.only && !options.only.includes(key)) continue;
    if (s.kind.type === "bool") {
      // "--nesterov" alone is true; "--nesterov false" turns a default of true off
      cmd.option(`${flag} [bool]`, `${s.doc} (true | false; alone: true)`, (text: string) =>
        readFlag(key, flag, text),
      );
      continue;
    }
    cmd.option(`${flag} ${s.arg ?? "<value>"}`, helpText(key), (text: string) => readFlag(key, flag, text));
  }
  return cmd;
}

/** "learning rate: a number > 0 (default 0.05)". */
function helpText(key: SettingKey): string {
  const s = settingOf(key);
  const allowed = s.kind.type === "choice" || s.kind.type === "data" ? allowedText(s.kind, s.nullable) : "";
  const def = TRAIN_DEFAULTS[key];
  const shownDefault = def === null ? "" : ` (default ${formatKindValue(s.kind, def)})`;
  return `${s.doc}${allowed ? `: ${allowed}` : ""}${shownDefault}`;
}

/** A flag's value read and checked by the table's rule; a UserError naming the flag otherwise. */
export function readFlag(key: SettingKey, flag: string, text: string): unknown {
  const s = settingOf(key);
  let value: unknown;
  try {
    value = parseKindText(s.kind, text, s.nullable);
  } catch (e) {
    throw new UserError(`${flag}: ${(e as Error).message}`);
  }
  const p = kindProblem(s.kind, value, s.nullable);
  if (p) throw new UserError(`${flag}: ${p}`);
  return value;
}

/** The TrainConfig keys the user set on the command line (commander camel-cases flag names). */
export function configFromOptions(opts: Record<string, unknown>): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) if (opts[k] !== undefined) out[k] = opts[k];
  return out as Partial<TrainConfig>;
}
