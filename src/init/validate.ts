/** Argument checks shared by the initializer factories: errors name the value and the rule. */
import { UserError } from "../errors.js";
import { formatValue } from "./spec.js";

function show(v: unknown): string {
  return typeof v === "number" || typeof v === "string" || typeof v === "boolean"
    ? formatValue(v)
    : String(v);
}

/** A finite number satisfying `ok`, else a UserError `init: arg=v is not valid: rule`. */
export function checkNumber(
  init: string,
  arg: string,
  v: unknown,
  ok: (x: number) => boolean,
  rule: string,
): number {
  if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) {
    throw new UserError(`${init}: ${arg}=${show(v)} is not valid: it must be ${rule}`);
  }
  return v;
}

/** One of `choices`, else a UserError listing them. */
export function checkChoice<T extends string>(
  init: string,
  arg: string,
  v: unknown,
  choices: readonly T[],
): T {
  if (typeof v !== "string" || !choices.includes(v as T)) {
    throw new UserError(`${init}: ${arg}=${show(v)} is not valid; valid: ${choices.join(", ")}`);
  }
  return v as T;
}

export const isAny = (_x: number): boolean => true;
export const isPositive = (x: number): boolean => x > 0;
export const isNonNegative = (x: number): boolean => x >= 0;
