import { UserError } from "../errors.js";
import { Rng } from "../tensor/rng.js";
import type { DatasetParts } from "./assemble.js";
import type { FeatureName } from "./features.js";
import { MAX_NOISE, SYNTHETIC_FEATURE_NAMES, takePoints } from "./synthetic.js";

/**
 * The 2-D regression sets of TensorFlow Playground (Smilkov, Carter et al. 2016,
 * github.com/tensorflow/playground, src/dataset.ts regressPlane and regressGaussian), ported draw
 * for draw with `Math.random` replaced by a seeded `Rng`. Every point is drawn the same way:
 * x1, x2 ~ U(-6, 6), then n1, n2 ~ U(-6, 6) * noise, and the target is f(x1 + n1, x2 + n2) (the
 * stored point is not displaced, so noise blurs the target surface):
 * - plane: f(x1, x2) = (x1 + x2) / 10, Playground's d3 scale [-10, 10] -> [-1, 1] of x1 + x2,
 *   computed as d3 does: t = (x1 + x2 + 10) / 20, f = -1 (1 - t) + t. Range about [-1.2, 1.2].
 * - multi-gauss: six bumps at c_k = (-4, 2.5), (0, 2.5), (4, 2.5), (-4, -2.5), (0, -2.5),
 *   (4, -2.5) with signs s_k = +, -, +, -, +, -; g_k = s_k max(0, 1 - |x - c_k| / 2) (d3's
 *   clamped scale [0, 2] -> [1, 0] of the distance), and f is the g_k of largest |g_k| (the first
 *   one on ties, 0 when every bump is 0). Range [-1, 1].
 */
export type RegressionName = "plane" | "multi-gauss";
/** The regression sets, in the order docs and menus list them. */
export const REGRESSION_NAMES: RegressionName[] = ["plane", "multi-gauss"];
/** The one output of a regression set (a Dataset's classNames). */
export const REGRESSION_CLASS_NAMES = ["y"];

/** Playground's bumps of multi-gauss: centre x1, centre x2, sign. */
const BUMPS = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
] as const;

/** The target surfaces, f(x1, x2). */
export const REGRESSION_TARGETS: Record<RegressionName, (x1: number, x2: number) => number> = {
  plane(x1, x2) {
    const t = (x1 + x2 - -10) / 20;
    return -1 * (1 - t) + 1 * t;
  },
  "multi-gauss"(x1, x2) {
    let label = 0;
    for (const [cx, cy, sign] of BUMPS) {
      const dx = x1 - cx;
      const dy = x2 - cy;
      const t = Math.max(0, Math.min(1, Math.sqrt(dx * dx + dy * dy) / 2));
      const g = sign * (1 * (1 - t) + 0 * t);
      if (Math.abs(g) > Math.abs(label)) label = g;
    }
    return label;
  },
};

/** Points of the plane and their real targets, as generated (before the split). */
export interface Points2DRegression {
  /** n x 2, row-major. */
  x: Float64Array;
  /** The target of each point. */
  t: Float64Array;
  n: number;
}

/** Generates `numSamples` points of a regression set from `rng`, in Playground's draw order. */
export function generateRegression2D(
  name: RegressionName,
  numSamples: number,
  noise: number,
  rng: Rng,
): Points2DRegression {
  if (!(noise >= 0 && noise <= MAX_NOISE)) {
    throw new UserError(`noise ${noise} is outside 0..${MAX_NOISE} (Playground's range)`);
  }
  const f = REGRESSION_TARGETS[name];
  const radius = 6;
  const unif = (a: number, b: number) => rng.uniform() * (b - a) + a;
  const out: Points2DRegression = {
    x: new Float64Array(2 * numSamples),
    t: new Float64Array(numSamples),
    n: 0,
  };
  for (let i = 0; i < numSamples; i++) {
    const x = unif(-radius, radius);
    const y = unif(-radius, radius);
    const noiseX = unif(-radius, radius) * noise;
    const noiseY = unif(-radius, radius) * noise;
    out.x[2 * i] = x;
    out.x[2 * i + 1] = y;
    out.t[i] = f(x + noiseX, y + noiseY);
  }
  out.n = numSamples;
  return out;
}

/**
 * The train/test sets of a regression name, as `synthetic2D` splits the classification sets:
 * 2 * nPerSplit points from `Rng.derive(seed, "data")`, permuted by the same stream, the first
 * nPerSplit for training. Targets are float32, one per example.
 */
export function regression2D(
  name: RegressionName,
  nPerSplit: number,
  noise: number,
  seed: number,
): { trainX: Float32Array; trainT: Float32Array; testX: Float32Array; testT: Float32Array } {
  const rng = Rng.derive(seed, "data");
  const pts = generateRegression2D(name, 2 * nPerSplit, noise, rng);
  const p = rng.permutation(pts.n);
  const train = takePoints(pts.x, pts.t, p, 0, nPerSplit, (n) => new Float32Array(n));
  const test = takePoints(pts.x, pts.t, p, nPerSplit, pts.n, (n) => new Float32Array(n));
  return { trainX: train.x, trainT: train.v, testX: test.x, testT: test.v };
}

/** The parts of a regression set (browser-safe: the lab's worker builds its sets the same way). */
export function regressionParts(
  name: string,
  r: { trainX: Float32Array; trainT: Float32Array; testX: Float32Array; testT: Float32Array },
  features: readonly FeatureName[],
): DatasetParts {
  return {
    name,
    dim: 2,
    kind: "table",
    classNames: REGRESSION_CLASS_NAMES,
    featureNames: SYNTHETIC_FEATURE_NAMES,
    // y: placeholders of the split's length (a regression set's labels index its targets)
    train: { x: r.trainX, y: new Int32Array(r.trainT.length), t: r.trainT },
    test: { x: r.testX, y: new Int32Array(r.testT.length), t: r.testT },
    features,
    plane: true,
  };
}
