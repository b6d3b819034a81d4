import assert from "node:assert/strict";
import { test } from "node:test";
import { parseActivation } from "../../src/nn/activations.js";
import type { ArchitectureSpec } from "../../src/nn/architecture.js";
import { getLoss } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { probeNetwork } from "../../src/probe/probe-network.js";
import { Rng } from "../../src/tensor/rng.js";
import {
  type BranchLayer,
  heReluStream,
  invSqrtDepthGrowth,
  normalizedReluStream,
  residualStreamSeconds,
} from "../../src/theory/residual.js";

const relu = parseActivation("relu");
const he = (n: number, norm: BranchLayer["norm"] = null): BranchLayer => ({
  fanIn: n,
  weightVar: 2 / n,
  activation: relu,
  norm,
});

test("residual stream recursion: the closed forms (He ReLU doubles per block, 1/sqrt(L) stays below e, normalized branches add alpha^2)", () => {
  const L = 12;
  const m1 = Array.from({ length: L }, () => [he(64)]);
  const m2 = Array.from({ length: L }, () => [he(64), he(64)]);
  for (const branches of [m1, m2]) {
    const q = residualStreamSeconds(1.5, branches, Array(L).fill(1));
    for (const [b, v] of q.entries())
      assert.ok(Math.abs(v / heReluStream(1.5, 1, b + 1) - 1) < 1e-9, `block ${b}`);
    assert.ok(Math.abs(q[L - 1] - 1.5 * 2 ** L) < 1e-6 * 2 ** L);
    const a = 1 / Math.sqrt(L);
    const s = residualStreamSeconds(1, branches, Array(L).fill(a));
    assert.ok(Math.abs(s[L - 1] - invSqrtDepthGrowth(L)) < 1e-9);
    // identity at init: alpha = 0 (ReZero, SkipInit)
    assert.deepEqual(residualStreamSeconds(2, branches, Array(L).fill(0)), Array(L).fill(2));
  }
  for (const L2 of [1, 2, 10, 100, 1e4]) assert.ok(invSqrtDepthGrowth(L2) < Math.E);
  assert.ok(invSqrtDepthGrowth(100) > invSqrtDepthGrowth(10));
  const pre = residualStreamSeconds(
    1,
    Array.from({ length: L }, () => [he(64, "pre")]),
    Array(L).fill(0.5),
  );
  for (const [b, v] of pre.entries()) assert.ok(Math.abs(v - normalizedReluStream(1, 0.5, b + 1)) < 1e-9);
});

/**
 * Monte Carlo: the engine's stream E[x_b^2] on a Gaussian batch against the recursion started at
 * the measured E[x_0^2], with this instance's weight variances. Width 256, batch 128, 3 seeds;
 * the tolerance (12% at every block, on the mean over seeds) is the finite-width spread of a
 * 12-layer ReLU stream (per-layer relative fluctuation ~ sqrt(5/n) compounds over layers), fixed
 * before the run.
 */
test("residual stream: measured against the recursion (Monte Carlo over seeds)", () => {
  const cases: Partial<ArchitectureSpec>[] = [
    { residual: 1, branchScale: "one" },
    { residual: 2, branchScale: "inv_sqrt_depth" },
    { residual: 1, norm: "batch", normPlace: "pre" },
    { residual: 2, norm: "layer", normPlace: "post", branchScale: "const", branchConst: 0.5 },
  ];
  const width = 256;
  const B = 128;
  const blocksOf = (a: Partial<ArchitectureSpec>) => 1 + 6 * (a.residual ?? 1);
  for (const arch of cases) {
    const hidden = blocksOf(arch);
    const sizes = [32, ...Array(hidden).fill(width), 10];
    const ratios: number[][] = [];
    for (let seed = 1; seed <= 3; seed++) {
      const net = new Network({
        sizes,
        activation: "relu",
        init: "he_normal",
        architecture: arch,
      }).initialize(seed);
      const rng = new Rng(seed + 50);
      const x = Float32Array.from({ length: B * 32 }, () => rng.normal());
      const y = Int32Array.from({ length: B }, () => rng.int(10));
      const snap = probeNetwork(net, x, y, B, getLoss("cross_entropy"), { predict: true });
      assert.equal(snap.blocks?.length, 6);
      ratios.push(snap.blocks!.map((b) => b.streamSecond / (b.predictedStreamSecond as number)));
      if (arch.norm) assert.equal(snap.norms?.length, hidden);
    }
    for (let b = 0; b < 6; b++) {
      const mean = ratios.reduce((s, r) => s + r[b], 0) / ratios.length;
      assert.ok(
        Math.abs(mean - 1) < 0.12,
        `${JSON.stringify(arch)} block ${b}: measured / predicted ${mean}`,
      );
    }
  }
});
