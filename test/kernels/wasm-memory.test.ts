// The WebAssembly backend's memory model: views from alloc stay valid while memory grows (shared
// memory), non-shared memory is reserved up front and never grown, the relaxed-SIMD build agrees.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../../src/kernels/node-env.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import {
  createWasmBackend,
  createWasmBackendFromBytes,
  wasmUnavailableReason,
} from "../../src/kernels/wasm-backend.js";
import { firstViolation, gemmBound, onBackend, randomArray } from "./backends.js";

const reason = wasmUnavailableReason();
const root = packageRoot()!;

test("packageRoot finds the initlab package", () => {
  assert.equal(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name, "initlab");
});

test("views stay valid while shared memory grows", { skip: reason ?? false }, async () => {
  const be = await createWasmBackend();
  try {
    const first = be.alloc(1000);
    for (let i = 0; i < first.length; i++) first[i] = i;
    // 64 MiB more than the initial memory: several grow() calls
    const big = [];
    for (let t = 0; t < 16; t++) big.push(be.alloc(1 << 20));
    assert.equal(first.length, 1000);
    for (let i = 0; i < first.length; i++) assert.equal(first[i], i);
    assert.ok(
      big.every((x) => x.length === 1 << 20 && x[x.length - 1] === 0),
      "new buffers are zero-filled",
    );
    // gemm on a view made before the growth and one made after
    const a = first.subarray(0, 6);
    const c = big[15].subarray(0, 4);
    be.gemm(false, false, 2, 2, 3, 1, a, onBackend(be, Float32Array.of(1, 0, 0, 1, 1, 1)), 0, c);
    assert.deepEqual(Array.from(c), [2, 3, 8, 9]);
  } finally {
    be.dispose();
  }
});

test("non-shared memory: reserved up front, alloc beyond it throws, foreign arrays still work", {
  skip: reason ?? false,
}, async () => {
  const bytes = new Uint8Array(readFileSync(join(root, "build", "wasm", "kernels.wasm")));
  const be = await createWasmBackendFromBytes({ plain: bytes }, { reserveBytes: 8 << 20, threads: 2 });
  try {
    assert.equal(be.variant, "simd");
    assert.equal(be.threads, 1, "no threads without shared memory");
    const x = be.alloc(1 << 20);
    assert.throws(() => be.alloc(2 << 20), /out of memory/);
    assert.equal(x.length, 1 << 20, "the failed alloc did not detach earlier views");
    const [m, k, n] = [40, 50, 30];
    const a = randomArray(m * k, "plain a");
    const b = randomArray(k * n, "plain b");
    const got = new Float32Array(m * n);
    be.gemm(false, true, m, n, k, 1, a, b, 0, got);
    const want = new Float32Array(m * n);
    new TsBackend().gemm(false, true, m, n, k, 1, a, b, 0, want);
    assert.equal(firstViolation(got, want, gemmBound(false, true, m, n, k, 1, a, b, 0, want)), null);
  } finally {
    be.dispose();
  }
});

test("the relaxed-SIMD (FMA) build matches the reference (child Node with the flag)", {
  skip: reason ?? false,
}, () => {
  const script = `
    import { createWasmBackend } from "./src/kernels/wasm-backend.ts";
    import { TsBackend } from "./src/kernels/ts-backend.ts";
    import { gemmBound, firstViolation, randomArray } from "./test/kernels/backends.ts";
    const be = await createWasmBackend({ threads: 2 });
    const out = { variant: be.variant, bad: [] };
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      const [m, k, n] = [67, 300, 45];
      const a = randomArray(m * k, "r a"), b = randomArray(k * n, "r b"), c0 = randomArray(m * n, "r c");
      const got = be.alloc(m * n); got.set(c0);
      be.gemm(ta, tb, m, n, k, 1.5, a, b, -0.5, got);
      const want = Float32Array.from(c0);
      new TsBackend().gemm(ta, tb, m, n, k, 1.5, a, b, -0.5, want);
      const v = firstViolation(got, want, gemmBound(ta, tb, m, n, k, 1.5, a, b, -0.5, c0));
      if (v) out.bad.push(v);
    }
    be.dispose();
    console.log(JSON.stringify(out));
  `;
  const r = spawnSync(
    process.execPath,
    ["--experimental-wasm-relaxed-simd", "--import", "tsx", "--input-type=module", "-e", script],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.equal(out.variant, "relaxed-simd+shared");
  assert.deepEqual(out.bad, []);
});
