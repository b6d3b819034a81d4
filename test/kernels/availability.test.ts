// Which backends this machine has, and the selection order native > wasm > ts.
// CI sets INITLAB_REQUIRE_BACKENDS=wasm,native so that a build that silently lost a fast backend fails.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BackendName } from "../../src/kernels/backend.js";
import { nativeUnavailableReason } from "../../src/kernels/native-backend.js";
import { BACKEND_NAMES, createBackend, listBackends } from "../../src/kernels/registry.js";
import { wasmUnavailableReason } from "../../src/kernels/wasm-backend.js";

const required = (process.env.INITLAB_REQUIRE_BACKENDS ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter((s) => s.length > 0);

test("backends named in INITLAB_REQUIRE_BACKENDS are available", {
  skip: required.length === 0 && "INITLAB_REQUIRE_BACKENDS is not set",
}, () => {
  for (const name of required) {
    assert.ok(
      BACKEND_NAMES.includes(name as BackendName),
      `unknown backend "${name}"; valid: ${BACKEND_NAMES.join(", ")}`,
    );
    const info = listBackends().find((b) => b.name === name)!;
    assert.ok(info.available, `backend "${name}" is required but unavailable: ${info.reason}`);
  }
});

test("every unavailable backend says why; the report matches the loaders", () => {
  for (const b of listBackends()) {
    if (b.available) assert.equal(b.reason, null);
    else assert.ok(typeof b.reason === "string" && b.reason.length > 0, b.name);
  }
  const byName = Object.fromEntries(listBackends().map((b) => [b.name, b.reason]));
  assert.equal(byName.wasm, wasmUnavailableReason());
  assert.equal(byName.native, nativeUnavailableReason());
  assert.equal(byName.ts, null);
});

test("createBackend() picks the fastest available backend: native, then wasm, then ts", async () => {
  const available = new Set(
    listBackends()
      .filter((b) => b.available)
      .map((b) => b.name),
  );
  const expected = available.has("native") ? "native" : available.has("wasm") ? "wasm" : "ts";
  const be = await createBackend(undefined, { threads: 2 });
  try {
    assert.equal(be.name, expected);
    assert.equal(be.threads, expected === "ts" ? 1 : 2);
  } finally {
    be.dispose();
  }
});

test("asking for an unavailable backend by name throws with the reason", async () => {
  for (const b of listBackends().filter((x) => !x.available)) {
    await assert.rejects(createBackend(b.name), (e: Error) => e.message.includes(b.reason!));
  }
});

test("dispose is idempotent on every backend; the native one refuses work afterwards", async () => {
  for (const b of listBackends().filter((x) => x.available)) {
    const be = await createBackend(b.name, { threads: 2 });
    const x = be.alloc(4).fill(1);
    be.dispose();
    be.dispose();
    if (b.name === "native") assert.throws(() => be.gemm(false, false, 2, 2, 2, 1, x, x, 0, x), /dispose/);
  }
});
