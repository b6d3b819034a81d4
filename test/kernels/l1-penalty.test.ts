// The L1 term of the optimizer kernels: g = grad + wd w + l1 sign(w), sign(0) = 0 (torch.sign),
// written out here by hand for SGD and Adam, on every backend (bit for bit: the same double
// operations and one rounding to float32).
import assert from "node:assert/strict";
import { test } from "node:test";
import { candidates } from "./backends.js";

const f = Math.fround;

for (const c of candidates()) {
  test(`${c.label}: SGD and Adam add l1 sign(w) to the gradient`, { skip: c.reason ?? false }, async () => {
    const b = await c.create();
    try {
      const w = b.alloc(4);
      w.set([1, -2, 0, 0.5]);
      const g = b.alloc(4);
      g.set([0.25, 0.25, 0.25, -0.5]);
      const sq = b.sgdStep(w, g, null, 4, {
        lr: 0.5,
        momentum: 0,
        weightDecay: 0,
        nesterov: false,
        first: true,
        l1: 0.1,
      });
      const want = [
        1 - 0.5 * (0.25 + 0.1),
        -2 - 0.5 * (0.25 - 0.1),
        0 - 0.5 * 0.25,
        0.5 - 0.5 * (-0.5 + 0.1),
      ];
      assert.deepEqual(Array.from(w), want.map(f));
      assert.ok(sq > 0);
      const w2 = b.alloc(2);
      w2.set([1, -1]);
      const g2 = b.alloc(2);
      const m = b.alloc(2);
      const v = b.alloc(2);
      b.adamStep(w2, g2, m, v, 2, {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        c1: 0.1,
        c2: 0.001,
        l1: 0.2,
      });
      // g = +-0.2: m = +-0.02, v = 4e-5; the step is lr (m / c1) / (sqrt(v / c2) + eps) = +-0.01 (1 / (1 + 5e-8)).
      const u = (0.01 * (f(0.1 * 0.2) / 0.1)) / (Math.sqrt(f(0.001 * 0.2 * 0.2) / 0.001) + 1e-8);
      assert.deepEqual(Array.from(w2), [f(1 - u), f(-1 + u)]);
    } finally {
      b.dispose();
    }
  });
}
