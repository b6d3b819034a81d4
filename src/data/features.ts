import { UserError } from "../errors.js";

/**
 * The input features of the 2-D sets, TensorFlow Playground's seven (Smilkov, Carter et al.
 * 2016, github.com/tensorflow/playground, src/playground.ts INPUTS), computed from a point
 * (x1, x2) before the preprocessing (which then scales each feature column on its own):
 *   x1, x2, x1sq = x1^2, x2sq = x2^2, x1x2 = x1 x2, sin1 = sin(x1), sin2 = sin(x2).
 * A setting names them as a comma-separated list ("x1,x2,x1x2"), in the order of the network's
 * input columns; the default "x1,x2" is the plain point (the data set as it always was).
 */
export const FEATURE_NAMES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2"] as const;
/** One of FEATURE_NAMES. */
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** The default: the point itself. */
export const DEFAULT_FEATURES = "x1,x2";

/** How each feature is written in a chart or an input tile (Playground's labels). */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: "x1",
  x2: "x2",
  x1sq: "x1^2",
  x2sq: "x2^2",
  x1x2: "x1*x2",
  sin1: "sin(x1)",
  sin2: "sin(x2)",
};

const FORMULAS: Record<FeatureName, (x1: number, x2: number) => number> = {
  x1: (x1) => x1,
  x2: (_x1, x2) => x2,
  x1sq: (x1) => x1 * x1,
  x2sq: (_x1, x2) => x2 * x2,
  x1x2: (x1, x2) => x1 * x2,
  sin1: (x1) => Math.sin(x1),
  sin2: (_x1, x2) => Math.sin(x2),
};

/**
 * Why a comma-separated list of names is not a list of distinct `valid` names (without the key's
 * name), or null: "unknown feature "x3"; valid: x1, x2, ...". Spaces around names are allowed.
 */
export function nameListProblem(text: string, valid: readonly string[], what = "feature"): string | null {
  const parts = text.split(",").map((p) => p.trim());
  const choices = valid.join(", ");
  const seen = new Set<string>();
  for (const p of parts) {
    if (p === "") return `empty ${what} name in ${JSON.stringify(text.slice(0, 60))}; valid: ${choices}`;
    if (!valid.includes(p)) return `unknown ${what} ${JSON.stringify(p.slice(0, 60))}; valid: ${choices}`;
    if (seen.has(p)) return `${what} ${p} is listed twice`;
    seen.add(p);
  }
  return null;
}

/** The names of a feature list ("x1, x2,x1x2" -> ["x1", "x2", "x1x2"]); a UserError listing the choices when invalid. */
export function parseFeatures(text: string): FeatureName[] {
  const p = nameListProblem(text, FEATURE_NAMES);
  if (p) throw new UserError(`features: ${p}`);
  return text.split(",").map((s) => s.trim()) as FeatureName[];
}

/** True when a feature list is the plain point (x1, x2 in that order): nothing to compute. */
export function isPlainPoint(names: readonly FeatureName[]): boolean {
  return names.length === 2 && names[0] === "x1" && names[1] === "x2";
}

/**
 * The feature rows of n points: n x names.length, row-major, each value computed in float64
 * from the float32 point and stored as float32. `points` is n x 2 row-major.
 */
export function expandFeatures(points: Float32Array, n: number, names: readonly FeatureName[]): Float32Array {
  const k = names.length;
  const f = names.map((name) => FORMULAS[name]);
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const x1 = points[2 * i];
    const x2 = points[2 * i + 1];
    for (let j = 0; j < k; j++) out[i * k + j] = f[j](x1, x2);
  }
  return out;
}
