import { expandFeatures, type FeatureName } from "./features.js";
import type { PlaneMap } from "./types.js";

/**
 * The network inputs of n points of the plane (n x 2 raw coordinates, row-major), as the data
 * set's own examples were made: the features of each point (features.ts), then the fitted
 * preprocessing x' = (x - offset_j) / scale_j per column (computed in float64, stored as float32).
 * The lab draws the network's output over a grid of points with it.
 */
export function planeInputs(plane: PlaneMap, points: Float32Array, n: number): Float32Array {
  const k = plane.features.length;
  const x = expandFeatures(points, n, plane.features as FeatureName[]);
  const { offset, scale } = plane;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) x[i * k + j] = (x[i * k + j] - offset[j]) / scale[j];
  }
  return x;
}
