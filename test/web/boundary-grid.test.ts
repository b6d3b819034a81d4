// The lab's output map for the regression sets and for input features: the grid's points go
// through the data set's own features and preprocessing (planeInputs), and one output y is drawn
// as Playground does (class = sign, strength = min(1, |y|)).
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset, planeInputs } from "../../src/data/index.js";
import { Network } from "../../src/nn/network.js";
import { boundaryGrid, pointsOf } from "../../web/src/worker/boundary-grid.js";

test("regression with features: the map is the network on planeInputs of the grid; points in raw coordinates", async () => {
  const d = await loadDataset({ data: "multi-gauss", features: "x1,x2,x1x2", seed: 2, testLimit: 50 });
  const net = new Network({ sizes: [3, 1], activation: "relu", init: "zeros" });
  net.layers[0].W.set([0.3, -0.2, 0.5]);
  net.layers[0].b.set([0.1]);
  const points = pointsOf(d);
  assert.deepEqual(points.x, d.plane?.testPoints);
  assert.deepEqual(
    Array.from(points.y),
    Array.from(d.testY, (i) => ((d.targets as Float32Array)[i] >= 0 ? 1 : 0)),
  );
  assert.ok(points.box[0] < -5 && points.box[1] > 5, "the box spans the raw plane (-6..6)");
  const n = 5;
  const g = boundaryGrid(net, points.box, n, d);
  const grid = new Float32Array(2 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      grid[2 * (r * n + c)] = points.box[0] + ((c + 0.5) / n) * (points.box[1] - points.box[0]);
      grid[2 * (r * n + c) + 1] = points.box[2] + ((r + 0.5) / n) * (points.box[3] - points.box[2]);
    }
  }
  const y = net.forward(planeInputs(d.plane!, grid, n * n), n * n);
  for (let i = 0; i < n * n; i++) {
    assert.equal(g.classes[i], y[i] >= 0 ? 1 : 0, `cell ${i}`);
    assert.equal(g.confidence[i], Math.fround(Math.min(1, Math.abs(y[i]))), `cell ${i}`);
  }
});
