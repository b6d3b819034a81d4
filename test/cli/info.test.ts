import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

/** The CPU flags Linux reports (empty elsewhere). */
function cpuFlags(): Set<string> {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("flags"));
    return new Set((line ?? "").split(":")[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

test("info --json: backends with their kernels, the default is the fastest available", async () => {
  const io = bufferIO();
  assert.equal(await run(["info", "--json"], io), 0, io.err);
  const doc = JSON.parse(io.out) as {
    backends: { name: string; available: boolean; reason: string | null; kernel: string | null }[];
    chosen: string;
    defaultThreads: number;
  };
  assert.deepEqual(doc.backends.map((b) => b.name).sort(), ["native", "ts", "wasm"]);
  const first = ["native", "wasm", "ts"].find((n) => doc.backends.find((b) => b.name === n)?.available);
  assert.equal(doc.chosen, first);
  assert.equal(doc.defaultThreads, availableParallelism());
  for (const b of doc.backends) assert.equal(b.available, b.reason === null, b.name);
  const native = doc.backends.find((b) => b.name === "native")!;
  const flags = cpuFlags();
  if (native.available && flags.size > 0) {
    // the best instruction set of this CPU, unless INITLAB_NATIVE_ISA forces one
    const want = process.env.INITLAB_NATIVE_ISA ?? (flags.has("avx512f") ? "avx512" : "avx2");
    assert.equal(native.kernel, want);
  }
  const wasm = doc.backends.find((b) => b.name === "wasm")!;
  if (wasm.available) assert.match(wasm.kernel ?? "", /^(relaxed-)?simd(\+shared)?$/);
  const text = bufferIO();
  assert.equal(await run(["info"], text), 0);
  assert.match(text.out, new RegExp(`chosen by default: ${first}, ${availableParallelism()} threads`));
});
