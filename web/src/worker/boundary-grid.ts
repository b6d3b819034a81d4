import { planeInputs } from "../../../src/data/plane.js";
import type { PlaneMap } from "../../../src/data/types.js";
import type { Network } from "../../../src/nn/network.js";
import type { ReadyInfo } from "../protocol.js";

interface TwoD {
  testX: Float32Array;
  testY: Int32Array;
  nTest: number;
  inputDim: number;
  /** Present with input features: the plane is drawn in the raw points' coordinates. */
  plane?: PlaneMap;
  /** Regression: the points are coloured by the sign of their target. */
  targets?: Float32Array;
}

/** With input features the network's inputs are not the plane's coordinates: draw in raw coordinates. */
const featured = (d: TwoD): PlaneMap | null => (d.plane && d.inputDim !== 2 ? d.plane : null);

/** The test points of a 2-D set and a square box around them (5% margin). */
export function pointsOf(d: TwoD): NonNullable<ReadyInfo["points"]> {
  const xy = featured(d)?.testPoints ?? d.testX;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 2 * d.nTest; i++) {
    lo = Math.min(lo, xy[i]);
    hi = Math.max(hi, xy[i]);
  }
  const m = 0.05 * (hi - lo || 1);
  const targets = d.targets;
  return {
    x: xy.slice(0, 2 * d.nTest),
    y: targets
      ? Int32Array.from(d.testY.subarray(0, d.nTest), (i) => (targets[i] >= 0 ? 1 : 0))
      : d.testY.slice(0, d.nTest),
    box: [lo - m, hi + m, lo - m, hi + m],
  };
}

const grids = new Map<string, Float32Array>();

/** The n x n cell centres over box = [x0, x1, y0, y1], row 0 at y0, as n^2 rows of (x, y); cached. */
function planeGrid(box: [number, number, number, number], n: number): Float32Array {
  const key = `${n}:${box.join(",")}`;
  let grid = grids.get(key);
  if (!grid) {
    grid = new Float32Array(2 * n * n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        grid[2 * (r * n + c)] = box[0] + ((c + 0.5) / n) * (box[1] - box[0]);
        grid[2 * (r * n + c) + 1] = box[2] + ((r + 0.5) / n) * (box[3] - box[2]);
      }
    }
    grids.set(key, grid);
  }
  return grid;
}

/**
 * The network's predicted class and its softmax probability on an n x n grid over box = [x0, x1,
 * y0, y1] (row 0 at y0), from one forward pass of n^2 rows. A regression network (one output y)
 * gives the regression surface: class 1 where y >= 0, 0 below, with confidence min(1, |y|)
 * (Playground's colour scale of [-1, 1]). With input features (`d.plane`), each grid point goes
 * through the data set's features and preprocessing first.
 */
export function boundaryGrid(
  net: Network,
  box: [number, number, number, number],
  n: number,
  d?: TwoD,
): { classes: Uint8Array; confidence: Float32Array } {
  const grid = planeGrid(box, n);
  const plane = d ? featured(d) : null;
  const logits = net.forward(plane ? planeInputs(plane, grid, n * n) : grid, n * n);
  const C = net.outputDim;
  const classes = new Uint8Array(n * n);
  const confidence = new Float32Array(n * n);
  if (C === 1) {
    for (let i = 0; i < n * n; i++) {
      classes[i] = logits[i] >= 0 ? 1 : 0;
      confidence[i] = Number.isFinite(logits[i]) ? Math.min(1, Math.abs(logits[i])) : 0;
    }
    return { classes, confidence };
  }
  for (let i = 0; i < n * n; i++) {
    let best = 0;
    let max = logits[i * C];
    for (let j = 1; j < C; j++) {
      if (logits[i * C + j] > max) {
        max = logits[i * C + j];
        best = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < C; j++) sum += Math.exp(logits[i * C + j] - max);
    classes[i] = best;
    // probability of the best class, rescaled so that chance (1/C) is 0 and certainty is 1
    const p = 1 / sum;
    confidence[i] = Number.isFinite(p) ? (p - 1 / C) / (1 - 1 / C) : 0;
  }
  return { classes, confidence };
}
