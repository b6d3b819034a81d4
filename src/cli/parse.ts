import { UserError } from "../errors.js";

/** Parsers for flag values that name the flag and the bad value in their error. */
export function parseNumber(flag: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x)) throw new UserError(`${flag}: expected a number, got "${v}"`);
    return x;
  };
}

export function parseInteger(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isInteger(x) || x < min || x > max) {
      throw new UserError(
        `${flag}: expected an integer >= ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ""}, got "${v}"`,
      );
    }
    return x;
  };
}

/** "256,256" -> [256, 256]; "" or "none" -> [] (no hidden layer). Also "100x8" -> eight 100s. */
export function parseSizes(flag: string) {
  return (v: string): number[] => {
    const t = v.trim();
    if (t === "" || t === "none") return [];
    const out: number[] = [];
    for (const part of t.split(",")) {
      const m = /^\s*(\d+)\s*(?:[x*]\s*(\d+))?\s*$/.exec(part);
      if (!m)
        throw new UserError(
          `${flag}: expected comma-separated positive integers like 256,256 or 100x8, got "${v}"`,
        );
      const width = Number(m[1]);
      const times = m[2] === undefined ? 1 : Number(m[2]);
      if (width < 1 || times < 1)
        throw new UserError(`${flag}: sizes must be positive, got "${part.trim()}" in "${v}"`);
      for (let i = 0; i < times; i++) out.push(width);
    }
    return out;
  };
}

export function parseChoice<T extends string>(flag: string, choices: readonly T[]) {
  return (v: string): T => {
    if (!(choices as readonly string[]).includes(v)) {
      throw new UserError(`${flag}: unknown value "${v}"; valid: ${choices.join(", ")}`);
    }
    return v as T;
  };
}
