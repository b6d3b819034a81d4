import type { Network } from "../../../src/nn/network.js";
import type { UnitsView } from "../protocol.js";

/** Side of each unit's map in the neuron-level view (a subsample of the boundary grid). */
export const UNIT_MAP_SIDE = 16;

/**
 * Every unit's map over the plane, read from the layer caches that the decision boundary's
 * forward pass over an n x n grid (boundary-grid.ts) has just filled: no second forward pass.
 * The grid is subsampled to m x m (m divides n). Inputs are what the network was given (the
 * grid's coordinates, or the data set's input features of them, preprocessed), hidden units
 * their activations a = phi(z), and the output column is the class probabilities of the softmax
 * rescaled to [-1, 1] (2p - 1; one output: its value). Call right after boundaryGrid.
 */
export function unitMaps(net: Network, n: number, step: number, m = UNIT_MAP_SIDE): UnitsView {
  const stride = Math.max(1, Math.floor(n / m));
  const off = Math.floor(stride / 2);
  const rows = new Int32Array(m * m);
  for (let r = 0; r < m; r++)
    for (let c = 0; c < m; c++) rows[r * m + c] = (r * stride + off) * n + (c * stride + off);
  const column = (values: ArrayLike<number>, units: number) => {
    const out = new Float32Array(units * m * m);
    let scale = 0;
    for (let u = 0; u < units; u++) {
      for (let i = 0; i < m * m; i++) {
        const v = values[rows[i] * units + u];
        out[u * m * m + i] = v;
        if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
      }
    }
    return { out, scale };
  };
  const maps: Float32Array[] = [];
  const scales: number[] = [];
  // the network's own input rows: the grid's coordinates, or their input features
  const input = column(net.inputBuffer(n * n), net.inputDim);
  maps.push(input.out);
  scales.push(input.scale);
  const L = net.layers.length;
  for (let l = 0; l < L - 1; l++) {
    const c = column(net.layers[l].A, net.layers[l].outDim);
    maps.push(c.out);
    scales.push(c.scale);
  }
  const C = net.outputDim;
  const logits = net.logits;
  if (C === 1) {
    // one output (a regression set): its value
    const c = column(logits, 1);
    maps.push(c.out);
    scales.push(c.scale);
    return done(maps, scales);
  }
  const out = new Float32Array(C * m * m);
  for (let i = 0; i < m * m; i++) {
    const row = rows[i] * C;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < C; j++) max = Math.max(max, logits[row + j]);
    let sum = 0;
    for (let j = 0; j < C; j++) sum += Math.exp(logits[row + j] - max);
    for (let j = 0; j < C; j++) out[j * m * m + i] = 2 * (Math.exp(logits[row + j] - max) / sum) - 1;
  }
  maps.push(out);
  scales.push(1);
  return done(maps, scales);

  function done(maps: Float32Array[], scales: number[]): UnitsView {
    return {
      step,
      m,
      maps,
      scales,
      weights: net.layers.map((layer) => Float32Array.from(layer.W)),
      biases: net.layers.map((layer) => Float32Array.from(layer.b)),
    };
  }
}
