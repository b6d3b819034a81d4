// Run records name the initlab version (package.json's) and the platform the caller passes, with a browser-safe default.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { resolveConfig } from "../../src/train/config.js";
import { defaultRuntime } from "../../src/train/runtime.js";
import { train } from "../../src/train/trainer.js";
import { INITLAB_VERSION } from "../../src/version.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

test("the version is package.json's; on Node the default platform is process.version", () => {
  assert.equal(INITLAB_VERSION, pkg.version);
  assert.deepEqual(defaultRuntime(), { initlab: pkg.version, platform: process.version });
});

test("without a Node process (a browser or a worker) the default platform is 'browser'", () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "process")!;
  Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true });
  let rt: ReturnType<typeof defaultRuntime>;
  try {
    rt = defaultRuntime();
  } finally {
    Object.defineProperty(globalThis, "process", saved);
  }
  assert.deepEqual(rt, { initlab: pkg.version, platform: "browser" });
});

test("the trainer writes the runtime the caller passes, else the default", async () => {
  const dataset = await loadDataset({ data: "xor", preprocess: "standardize", seed: 1 });
  const config = resolveConfig({ data: "xor", hidden: [4], epochs: 1, batchSize: 50, seed: 1 });
  const backend = new TsBackend();
  const given = train(config, { dataset, backend, runtime: { initlab: "9.9.9-test", platform: "browser" } });
  assert.equal(given.meta.initlab, "9.9.9-test");
  assert.equal(given.meta.node, "browser");
  const plain = train(config, { dataset, backend });
  assert.equal(plain.meta.initlab, pkg.version);
  assert.equal(plain.meta.node, process.version);
});
