import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { WasmHeap } from "../../src/kernels/wasm-heap.js";
import { Network } from "../../src/nn/network.js";
import { executeRun } from "../../src/sweep/execute-run.js";
import { runId } from "../../src/sweep/run-id.js";
import { resolveConfig } from "../../src/train/config.js";
import {
  allocationError,
  checkResources,
  describeSizes,
  estimateResources,
  MAX_TRAIN_STEPS,
  memoryLimit,
  parseBytes,
} from "../../src/train/resources.js";
import { cli } from "./helpers.js";

// Up-front limits (issue 13): a run's parameters, memory and steps are estimated from its config
// and refused with exit 2 before anything is allocated, on every surface (train, sweep planning,
// queued jobs); allocation failures that escape the estimate become clean errors.

const dir = mkdtempSync(join(tmpdir(), "initlab-limits-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const GB = 2 ** 30;
const big = memoryLimit(64 * GB);

function oneLine(r: { code: number; err: string }, re: RegExp) {
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, re);
  assert.equal(r.err.trim().split("\n").length, 1, r.err);
  assert.doesNotMatch(r.err, /\n\s+at |unexpected error/);
}

test("the parameter count is the network's own, and the bytes follow the stated formula", () => {
  for (const [hidden, optimizer, momentum] of [
    [[7, 5], "sgd", 0.9],
    [[], "adam", 0],
    [[3, 3, 3], "sgd", 0],
  ] as const) {
    const config = resolveConfig({ data: "xor", hidden: [...hidden], optimizer, momentum, batchSize: 16 });
    const net = new Network({ sizes: [2, ...hidden, 2], activation: "relu", init: "he_normal" });
    const actual = net.params().reduce((n, p) => n + p.value.length, 0);
    const e = estimateResources(config, { inputDim: 2, numClasses: 2, nTrain: 500, nTest: 500 });
    assert.equal(e.params, actual);
    assert.equal(e.weightBytes, 4 * actual);
    assert.equal(e.optimizerBytes, optimizer === "adam" ? 8 * actual : momentum > 0 ? 4 * actual : 0);
    const units = 2 + hidden.reduce((a: number, b: number) => a + b, 0) + 2;
    assert.equal(e.activationBytes, 3 * 4 * 1000 * units); // evalBatchSize 1000 is the largest batch
    assert.equal(e.dataBytes, 1000 * (4 * 2 + 4));
    assert.equal(e.steps, Math.ceil(500 / 16));
  }
  // Residual + normalized networks: the parameters count gamma and beta, and the activation bytes
  // cover every per-row buffer the layers really allocate (distinct typed arrays after a forward
  // and backward pass at the largest batch).
  for (const [norm, residual] of [
    ["batch", 1],
    ["layer", 2],
    ["none", 1],
  ] as const) {
    const hidden = [12, 12, 12, 12, 12];
    const config = resolveConfig({ data: "xor", hidden, norm, residual, batchSize: 16, evalBatchSize: 40 });
    const net = new Network({
      sizes: [2, ...hidden, 2],
      activation: "relu",
      init: "he_normal",
      architecture: { norm, residual },
    }).initialize(1);
    const actual = net.params().reduce((n, p) => n + p.value.length, 0);
    const e = estimateResources(config, { inputDim: 2, numClasses: 2, nTrain: 30, nTest: 10 });
    assert.equal(e.params, actual, `${norm}, residual ${residual}: parameters`);
    const B = 40;
    net.forward(new Float32Array(B * 2).fill(0.5), B);
    const seen = new Set<ArrayBufferLike>();
    let bytes = 0;
    const visit = (o: object) => {
      for (const v of Object.values(o)) {
        if (v instanceof Float32Array && v.length >= B && !seen.has(v.buffer)) {
          seen.add(v.buffer);
          bytes += v.byteLength;
        } else if (v && typeof v === "object" && !ArrayBuffer.isView(v) && !seen.has(v)) {
          seen.add(v);
          visit(v);
        }
      }
    };
    for (const l of net.layers) visit(l);
    // Weights (and their gradients) are counted in weightBytes/gradientBytes, not here.
    assert.ok(
      e.activationBytes + e.weightBytes + e.gradientBytes >= bytes,
      `${norm}, residual ${residual}: estimate ${e.activationBytes + e.weightBytes + e.gradientBytes} < allocated ${bytes}`,
    );
  }
  assert.equal(describeSizes([784, 256, 256, 256, 10]), "784-256x3-10");
  assert.equal(describeSizes([2, 2]), "2-2");
  assert.equal(parseBytes("512MB", "x"), 512 * 2 ** 20);
  assert.equal(parseBytes("2 GB", "x"), 2 * GB);
  assert.equal(parseBytes("1048576", "x"), 2 ** 20);
  assert.throws(() => parseBytes("lots", "INITLAB_MAX_MEMORY"), /INITLAB_MAX_MEMORY: "lots" is not a size/);
  assert.equal(memoryLimit(8 * GB).bytes, 4 * GB);
  assert.equal(memoryLimit(8 * GB, "1GB").bytes, GB);
});

test("over the memory, wasm or step limit: refused, naming the network, before allocating", () => {
  const data = { inputDim: 2, numClasses: 2, nTrain: 500, nTest: 500 };
  const huge = resolveConfig({ data: "circle", hidden: Array(100).fill(100000) });
  assert.throws(
    () => checkResources(huge, data, big),
    /the network 2-100000x100-2 needs about .* over the memory limit/,
  );
  const wasm = resolveConfig({ data: "circle", hidden: [20000, 20000], backend: "wasm" });
  assert.throws(() => checkResources(wasm, data, big), /2-20000x2-2 needs about .* in WebAssembly memory/);
  assert.doesNotThrow(() => checkResources({ ...wasm, backend: "native" }, data, big));
  // The settings table caps --epochs itself (1e6); the step limit still holds for what it lets through.
  const long = { ...resolveConfig({ data: "circle" }), epochs: 1e12 };
  assert.throws(
    () => checkResources(long, data, big),
    new RegExp(`over the limit of ${MAX_TRAIN_STEPS} steps`),
  );
  assert.doesNotThrow(() => checkResources({ ...long, maxSteps: 100 }, data, big));
});

test("train refuses with exit 2 and one line: huge networks, wasm over 4 GB, --epochs 1e12, INITLAB_MAX_MEMORY", async () => {
  oneLine(await cli("train", "--data", "circle", "--hidden", "100000x100"), /2-100000x100-2 needs about/);
  oneLine(await cli("train", "--data", "circle", "--hidden", "30000x100"), /2-30000x100-2 needs about/);
  oneLine(
    await cli("train", "--data", "circle", "--backend", "wasm", "--hidden", "20000,20000"),
    /WebAssembly memory/,
  );
  oneLine(
    await cli("train", "--data", "circle", "--epochs", "1e12"),
    /--epochs: expected an integer in 1\.\.\d+, got 1000000000000/,
  );
  oneLine(
    await cli("train", "--data", "mnist", "--epochs", "200000", "--batch-size", "1"),
    /steps, over the limit of 10000000 steps/,
  );
  process.env.INITLAB_MAX_MEMORY = "1MB";
  try {
    oneLine(
      await cli("train", "--data", "circle", "--hidden", "512,512", "--quiet"),
      /over the memory limit of 1\.0 MB \(INITLAB_MAX_MEMORY\)/,
    );
  } finally {
    delete process.env.INITLAB_MAX_MEMORY;
  }
});

test("--memory-limit: train, inspect, sweep and queued tasks honour it; inspect refuses what train refuses", async () => {
  // 2-512-512-2 with Adam: 264,706 parameters, about 4.3 MB for training (weights, gradients, moments)
  oneLine(
    await cli("train", "--data", "circle", "--hidden", "512,512", "--quiet", "--memory-limit", "1MB"),
    /2-512x2-2 needs about .* over the memory limit of 1\.0 MB \(--memory-limit\)/,
  );
  oneLine(
    await cli("inspect", "--data", "circle", "--hidden", "512,512", "--memory-limit", "1MB"),
    /2-512x2-2 needs about .* over the memory limit of 1\.0 MB \(--memory-limit\)/,
  );
  oneLine(await cli("inspect", "--data", "circle", "--hidden", "100000x100"), /2-100000x100-2 needs about/);
  oneLine(
    await cli(
      "inspect",
      ...["--data", "circle", "--backend", "wasm", "--hidden", "24000,24000", "--memory-limit", "64GB"],
    ),
    /WebAssembly memory/,
  );
  oneLine(
    await cli("train", "--data", "circle", "--memory-limit", "lots"),
    /--memory-limit: "lots" is not a size/,
  );
  oneLine(
    await cli("worker", "--queue", "redis://127.0.0.1:1", "--memory-limit", "-5GB", "--quiet"),
    /--memory-limit: "-5GB" is not a size/,
  );
  oneLine(
    await cli("init", "sample", "he_normal", "--shape", "300,300", "--memory-limit", "100KB"),
    /the matrix 300 x 300 \(float64\) needs about 704 KB, over the memory limit of 100 KB \(--memory-limit\)/,
  );
  oneLine(
    await cli(
      "param",
      "coord-check",
      "--data",
      "xor",
      "--train-limit",
      "100",
      "--widths",
      "30000",
      "--depth",
      "100",
    ),
    /the network 2-30000x100-2 needs about/,
  );
  // the flag wins over the variable; a generous flag lets through what the variable would refuse
  process.env.INITLAB_MAX_MEMORY = "1KB";
  try {
    const ok = await cli("inspect", "--data", "xor", "--hidden", "4", "--memory-limit", "1GB", "--json");
    assert.equal(ok.code, 0, ok.err);
    oneLine(
      await cli("inspect", "--data", "xor", "--hidden", "4"),
      /over the memory limit of 1 KB \(INITLAB_MAX_MEMORY\)/,
    );
  } finally {
    delete process.env.INITLAB_MAX_MEMORY;
  }
  // inspect needs no optimizer state and takes no steps: what only training would exceed passes
  const config = resolveConfig({ data: "xor", hidden: [4], optimizer: "adam", epochs: 1 });
  const data = { inputDim: 2, numClasses: 2, nTrain: 500, nTest: 500 };
  const trainE = estimateResources(config, data);
  const inspectE = estimateResources(config, data, "inspect");
  assert.equal(trainE.totalBytes - inspectE.totalBytes, 8 * trainE.params);
  assert.equal(inspectE.steps, 0);
  const file = join(dir, "capped.yaml");
  writeFileSync(file, `name: capped\nbase: {data: circle}\ngrid: {hidden: ["8", "512,512"]}\n`);
  const home = join(dir, "capped-home");
  const r = await cli("sweep", file, "--home", home, "--memory-limit", "1MB");
  assert.equal(r.code, 2, r.err);
  assert.match(
    r.err,
    /run hidden=512,512: the network 2-512x2-2 needs about .*over the memory limit of 1\.0 MB \(--memory-limit\)/,
  );
  assert.doesNotMatch(r.err, /hidden=8:/, "the small run passes");
  assert.ok(!existsSync(home));
  // a task carries the limit of the sweep or worker that runs it
  const c = resolveConfig({ data: "circle", hidden: [512, 512], backend: "ts" });
  const task = await executeRun({
    id: runId(c),
    config: c,
    memoryLimit: { bytes: 2 ** 20, source: "--memory-limit" },
  });
  assert.equal(task.errorKind, "user");
  assert.match(task.error!, /over the memory limit of 1\.0 MB \(--memory-limit\)/);
});

test("the wasm heap above 2 GiB: addresses and the bytes in use stay positive (no 32-bit wrap)", () => {
  // a stand-in for a 4 GiB non-shared memory: only its length is read by the allocator
  const memory = { buffer: { byteLength: 2 ** 32 } } as unknown as WebAssembly.Memory;
  const heap = new WasmHeap(memory, false, 3_201_886_700, 2 ** 32);
  const p = heap.tryAlloc(1000);
  assert.equal(p, 3_201_886_720, "the next 64-byte boundary");
  assert.equal(heap.used, 3_201_887_720);
  assert.equal(heap.tryAlloc(2 ** 31), -1, "over the memory");
  assert.ok(heap.used > 0);
});

test("sweep planning refuses a run over the limits before the store is created", async () => {
  const file = join(dir, "huge.yaml");
  writeFileSync(file, `name: huge\nbase: {data: circle}\ngrid: {hidden: ["8", "30000x100"]}\n`);
  const home = join(dir, "huge-home");
  const r = await cli("sweep", file, "--home", home);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /run hidden=30000x100|run hidden=.*30000.*needs about/);
  assert.ok(!existsSync(home));
});

test("a queued job is checked like a CLI run: limits, specs, --data-root; nothing is allocated", async () => {
  const job = (config: Record<string, unknown>, dataRoot?: string) => {
    const c = resolveConfig(config);
    return executeRun({ id: runId(c), config: c, dataRoot });
  };
  const huge = await job({ data: "circle", hidden: Array(100).fill(30000), backend: "ts", threads: 1 });
  assert.equal(huge.status, "failed");
  assert.equal(huge.errorKind, "user");
  assert.match(huge.error!, /needs about/);
  const typo = { ...resolveConfig({ data: "circle", backend: "ts" }), init: "he_nromal" };
  const spec = await executeRun({ id: runId(typo), config: typo });
  assert.equal(spec.errorKind, "user");
  assert.match(spec.error!, /unknown initializer "he_nromal"/);
  const root = join(dir, "data-root");
  mkdirSync(root);
  writeFileSync(join(root, "ok.csv"), "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n1,1,x\n2,2,y\n");
  writeFileSync(join(dir, "secret.csv"), "a,b,label\n1,2,x\n3,4,y\n");
  const outside = await job(
    { data: `csv:${join(root, "..", "secret.csv")}`, hidden: [2], backend: "ts" },
    root,
  );
  assert.equal(outside.errorKind, "user");
  assert.match(outside.error!, /outside this worker's --data-root/);
  const inside = await job(
    { data: `csv:${join(root, "ok.csv")}`, hidden: [2], backend: "ts", epochs: 1 },
    root,
  );
  assert.equal(inside.status, "ok", inside.error ?? "");
  const forged = await executeRun({ id: "0".repeat(64), config: resolveConfig({ data: "circle" }) });
  assert.match(forged.error!, /hashes to/);
});

test("allocation failures become clean errors", () => {
  assert.match(
    allocationError(new RangeError("Invalid typed array length: 10000000000"))!.message,
    /not enough memory for this run/,
  );
  assert.ok(allocationError(new Error("wasm backend: out of memory allocating 5 floats")));
  assert.equal(allocationError(new Error("something else")), null);
  assert.equal(allocationError(new RangeError("Maximum call stack size exceeded")), null);
});

test("CSV: more distinct labels than the stated maximum are refused; long values are cut in messages", async () => {
  const many = join(dir, "many.csv");
  const rows = Array.from({ length: 1500 }, (_, i) => `${i},${i * 2},label${i}`);
  writeFileSync(many, `a,b,label\n${rows.join("\n")}\n`);
  oneLine(
    await cli("train", "--data", `csv:${many}`, "--hidden", "2", "--quiet"),
    /1500 distinct labels, over the limit of 1000 classes/,
  );
  const long = join(dir, "long.csv");
  writeFileSync(long, `a,label\n"${"z".repeat(5_000_000)}",x\n1,y\n`);
  const r = await cli("train", "--data", `csv:${long}`, "--hidden", "2", "--quiet");
  oneLine(r, /"z{60}"\.\.\. \(5000000 characters\) is not a number/);
  assert.ok(r.err.length < 400, `message of ${r.err.length} characters`);
});

test("OS errors: exit 2 with the path and the reason, no stack, no hang, no temporaries left", async () => {
  const file = join(dir, "tiny.yaml");
  writeFileSync(file, "name: tiny\nbase: {data: xor, backend: ts, hidden: [2], epochs: 1}\n");
  oneLine(await cli("sweep", file, "--home", "/dev/null"), /\/dev\/null: not a folder/);
  const t0 = Date.now();
  oneLine(await cli("sweep", file, "--home", "/proc/x/y"), /\/proc\/x: no such file or folder/);
  assert.ok(Date.now() - t0 < 10_000, "no hang");
  const corrupt = join(dir, "corrupt");
  mkdirSync(corrupt);
  writeFileSync(join(corrupt, "initlab.sqlite"), "not a database ".repeat(1000));
  oneLine(await cli("sweep", file, "--home", corrupt), /initlab\.sqlite: .*(not a database|NOTADB)/);
  const outDir = join(dir, "out-dir");
  mkdirSync(outDir);
  oneLine(
    await cli(
      "train",
      "--data",
      "xor",
      "--hidden",
      "2",
      "--epochs",
      "1",
      "--backend",
      "ts",
      "--quiet",
      "--out",
      outDir,
    ),
    /out-dir: is a folder, not a file \(EISDIR, rename\)/,
  );
  const home = join(dir, "export-home");
  assert.equal((await cli("sweep", file, "--home", home, "--quiet")).code, 0);
  oneLine(await cli("runs", "export", "--home", home, "--out", outDir), /out-dir: is a folder/);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes(".tmp-")),
    [],
    "no temporaries left next to the target",
  );
  const serve = await cli("serve", "--host", "8.8.8.8", "--allow-remote", "--port", "0", "--no-build");
  assert.equal(serve.code, 2, serve.err);
  assert.match(serve.err, /^initlab serve: warning: listening on 8\.8\.8\.8 \(--allow-remote\)/);
  assert.match(
    serve.err,
    /\ninitlab: 8\.8\.8\.8: this address does not belong to this machine \(EADDRNOTAVAIL, listen\)\n$/,
  );
});
