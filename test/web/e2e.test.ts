import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { bufferIO } from "../../src/cli/io.js";
import { run as runCli } from "../../src/cli/main.js";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { openRunStore } from "../../src/store/index.js";
import { resolveConfig } from "../../src/train/config.js";
import { train } from "../../src/train/trainer.js";
import { findPreset } from "../../web/src/presets.js";
import { toUrl } from "../../web/src/state.js";
import { toCliArgs } from "../../web/src/state-config.js";
import {
  artifactPath,
  browserMissing,
  type LabSession,
  machineBusy,
  openLab,
  quantile,
  trainToEnd,
  waitStatus,
} from "./browser.js";

// The browser lab in real headless Chromium: the "8 sigmoid layers" preset shows the vanishing
// gradient, He + ReLU does not, a reloaded link gives the same numbers, the page keeps drawing
// frames while the worker trains, the worker trains as fast as the CLI (and computes the CLI's
// numbers), and the run store opens. Numbers measured here are printed as "# ..." lines.

const missing = browserMissing();
let session: LabSession;
let lab: LabSession["lab"];
let page: Page;
const report: Record<string, unknown> = {};

before(async () => {
  if (missing) return;
  const home = mkdtempSync(join(tmpdir(), "initlab-runs-"));
  await storeOneRun(home);
  session = await openLab(home);
  ({ lab, page } = session);
});

after(async () => {
  if (missing) return;
  writeFileSync(artifactPath("browser-lab-numbers.json"), JSON.stringify(report, null, 2));
  await session?.close();
  assert.deepEqual(session?.pageErrors ?? [], [], "errors in the page");
  const outside = (session?.requests ?? []).filter((r) => new URL(r).hostname !== "127.0.0.1");
  assert.deepEqual(outside, [], "the page fetched from outside this machine");
});

/** A small real run with probes in a fresh run store, for the run browser. */
async function storeOneRun(home: string): Promise<void> {
  const config = resolveConfig({
    data: "spiral",
    preprocess: "standardize",
    hidden: [8, 8, 8],
    activation: "tanh",
    init: "xavier_uniform",
    batchSize: 25,
    epochs: 3,
    seed: 2,
    probeEvery: 10,
    probeBatch: 64,
  });
  const dataset = await loadDataset({ data: "spiral", preprocess: "standardize", seed: 2 });
  const record = train(config, { dataset, backend: new TsBackend() });
  const store = openRunStore(home);
  store.putRun({ id: "e2e-spiral-run", status: "ok", config, record });
  store.close();
}

interface LayerRow {
  layer: number;
  preVar: number;
  gradVar: number;
  wgrad: number;
}

/** The per-layer numbers of a view's table, once it shows the probe of `step` (default: the status line's step). */
async function layerRows(p: Page, view = "lab", atStep?: number): Promise<LayerRow[]> {
  const step = atStep ?? (await p.$eval("#status", (el) => (el as HTMLElement).dataset.step));
  await p.waitForSelector(`[data-testid="${view}"] .layer-table[data-step="${step}"]`, { timeout: 10_000 });
  return p.$$eval(`[data-testid="${view}"] .layer-table tbody tr`, (trs) =>
    trs.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      return {
        layer: Number(d.layer),
        preVar: Number(d.preVar),
        gradVar: Number(d.gradVar),
        wgrad: Number(d.wgrad),
      };
    }),
  );
}

async function statusNumbers(p: Page): Promise<{ step: number; loss: number; sps: number; wallSps: number }> {
  return p.$eval("#status", (el) => {
    const d = (el as HTMLElement).dataset;
    return { step: Number(d.step), loss: Number(d.loss), sps: Number(d.sps), wallSps: Number(d.wallSps) };
  });
}

test("8 sigmoid layers: the gradient vanishes; He + ReLU: it does not; a reloaded link gives the same numbers", {
  skip: missing ?? false,
  timeout: 300_000,
}, async () => {
  await page.goto(lab.server.url);
  await waitStatus(page, /^(ready|paused)$/);
  await page.selectOption("#preset", "sigmoid-8-layers");
  await page.waitForSelector('[data-testid="lab"] .layer-table[data-step="0"]');
  const run = await trainToEnd(page);
  const sig = await layerRows(page);
  const status = await statusNumbers(page);
  const sigmoidUrl = page.url();
  await page.screenshot({ path: artifactPath("browser-lab-sigmoid8.png"), fullPage: true });
  assert.equal(status.step, 200);
  assert.equal(sig.length, 9, "8 hidden layers and the output layer");
  const first = sig[0];
  const last = sig[sig.length - 1];
  const ratio = first.wgrad / last.wgrad;
  console.log(
    `# sigmoid x8: ||dL/dW|| layer 0 / output = ${ratio.toExponential(2)}, Var(dL/dz) ratio ${(first.gradVar / last.gradVar).toExponential(2)}`,
  );
  assert.ok(
    ratio <= 1e-2,
    `layer 0's gradient is ${ratio} of the last layer's; expected at least 100x smaller`,
  );
  assert.match((await page.textContent('[data-testid="lab"] .diagnosis')) ?? "", /gradient vanishes/);
  assert.equal(await page.getAttribute('[data-testid="phase"]', "data-phase"), "ordered");

  const gaps = run.gaps;
  const maxGap = Math.max(...gaps);
  console.log(
    `# frames while training: ${gaps.length} in ${run.ms} ms, gap median ${quantile(gaps, 0.5).toFixed(1)} ms, ` +
      `p99 ${quantile(gaps, 0.99).toFixed(1)} ms, max ${maxGap.toFixed(1)} ms (Node canary: longest stall ${run.canaryMs.toFixed(1)} ms)`,
  );
  report.sigmoid8 = {
    ratio,
    rows: sig,
    status,
    trainMs: run.ms,
    frameGaps: {
      n: gaps.length,
      median: quantile(gaps, 0.5),
      p99: quantile(gaps, 0.99),
      max: maxGap,
      canaryMs: run.canaryMs,
    },
  };
  assert.ok(gaps.length > 10, "the page drew frames while training");
  const busy = machineBusy(run.canaryMs);
  if (busy && maxGap > 100) {
    // Other processes held the CPU: the gaps measure the machine then, not the page; they are
    // printed above and checked on a quiet machine only.
    console.log(`# machine busy (${busy}): the longest gap ${maxGap.toFixed(0)} ms is not checked`);
  } else assert.ok(maxGap <= 100, `the longest gap between frames was ${maxGap} ms`);

  // He + ReLU on the same network: no vanishing.
  await page.click('button:has-text("He + ReLU")');
  await trainToEnd(page);
  const relu = await layerRows(page);
  const reluRatio = relu[0].wgrad / relu[relu.length - 1].wgrad;
  console.log(`# He + ReLU x8: ||dL/dW|| layer 0 / output = ${reluRatio.toExponential(2)}`);
  report.heRelu8 = { ratio: reluRatio, rows: relu };
  assert.ok(reluRatio > 1e-2 && reluRatio < 1e2, `He + ReLU gradient ratio ${reluRatio}`);
  assert.equal(await page.getAttribute('[data-testid="phase"]', "data-phase"), "critical");
  assert.doesNotMatch((await page.textContent('[data-testid="lab"] .diagnosis')) ?? "", /gradient vanishes/);

  // The sigmoid link again, in a fresh load: the same numbers, bit for bit.
  await page.goto(sigmoidUrl);
  await trainToEnd(page);
  assert.deepEqual(await layerRows(page), sig);
  assert.equal((await statusNumbers(page)).loss, status.loss);
});

test("the worker trains as fast as the CLI and computes the CLI's numbers", {
  skip: missing ?? false,
  timeout: 300_000,
}, async () => {
  const preset = findPreset("sigmoid-8-layers")!;
  const state = { ...preset.state, backend: "wasm" as const };
  await page.goto(`${lab.server.url}?${toUrl(state, null, preset.id)}`);
  // One run first that is not counted: the CLI side runs in this process, whose JIT has long been
  // warm, while every run of the page starts a new worker; the first one of the page compiles
  // everything from scratch, later ones start from the browser's code cache (measured: 17k
  // samples/s in the first run, 34k in the next, CLI 35-49k).
  await trainToEnd(page);
  await page.click("#btn-reset");
  // best of up to three on each side: other processes on this machine may slow one run or the other
  const web: Awaited<ReturnType<typeof statusNumbers>>[] = [];
  const cli: { sps: number; wallSps: number; loss: number | undefined }[] = [];
  const ratio = () => Math.max(...web.map((w) => w.sps)) / Math.max(...cli.map((c) => c.sps));
  for (let round = 0; round < 3 && !(round > 0 && ratio() >= 1 / 1.5); round++) {
    if (round > 0) await page.click("#btn-reset");
    await trainToEnd(page);
    web.push(await statusNumbers(page));
    // the CLI itself, in this process (`run(argv, io)` is the CLI's entry; the same code as bin/initlab.js)
    const io = bufferIO();
    const code = await runCli(
      [...toCliArgs(state), "--backend", "wasm", "--threads", "1", "--json", "--quiet"],
      io,
    );
    assert.equal(code, 0, io.err);
    const rec = JSON.parse(io.out) as {
      final: { samplesPerSecond: number; steps: number; totalSeconds: number };
      lossCurve: { step: number; loss: number }[];
    };
    assert.equal(rec.final.steps, 200);
    cli.push({
      sps: rec.final.samplesPerSecond,
      wallSps: (rec.final.steps * state.batchSize) / rec.final.totalSeconds,
      loss: rec.lossCurve.find((q) => q.step === 200)?.loss,
    });
  }
  const bestWeb = Math.max(...web.map((w) => w.sps));
  const bestCli = Math.max(...cli.map((c) => c.sps));
  const speed = bestWeb / bestCli;
  console.log(
    `# speed (training time only, wasm, 1 thread, best of ${web.length}): worker ${Math.round(bestWeb)} samples/s, CLI ${Math.round(bestCli)} samples/s, ` +
      `worker/CLI = ${speed.toFixed(2)}; wall clock with probes every 10 steps: worker ${Math.round(Math.max(...web.map((w) => w.wallSps)))}, ` +
      `CLI ${Math.round(Math.max(...cli.map((c) => c.wallSps)))} samples/s`,
  );
  console.log(`# loss at step 200: worker ${web[0].loss}, CLI ${cli[0].loss}`);
  report.speed = { web, cli, ratio: speed };
  assert.ok(speed >= 1 / 1.5, `the worker trains at ${speed.toFixed(2)}x the CLI's speed`);
  // the same engine on the same data: the very same numbers
  assert.equal(web[0].loss, cli[0].loss);
  for (const w of web) assert.equal(w.loss, web[0].loss);
});

test("compare two configurations side by side: Xavier vs He at depth 30", {
  skip: missing ?? false,
  timeout: 300_000,
}, async () => {
  await page.goto(lab.server.url);
  await waitStatus(page, /^(ready|paused)$/);
  await page.selectOption("#preset", "xavier-vs-he-30");
  await waitStatus(page, /^(ready|paused),(ready|paused)$/);
  assert.equal(await page.locator('[data-testid="lab-a"]').count(), 1);
  assert.equal(await page.locator('[data-testid="lab-b"]').count(), 1);
  // the initial probes (step 0) already show the difference
  const a = await layerRows(page, "lab-a", 0);
  const b = await layerRows(page, "lab-b", 0);
  // one step of each, both at once
  await page.click("#btn-step");
  await page.waitForFunction(() => document.querySelector<HTMLElement>("#status")?.dataset.step === "1");
  await waitStatus(page, /^paused,paused$/);
  const fall = (rows: LayerRow[]) => rows[rows.length - 2].preVar / rows[0].preVar;
  console.log(
    `# depth 30, Var(z) last hidden / first: Xavier ${fall(a).toExponential(2)}, He ${fall(b).toExponential(2)}`,
  );
  report.xavierVsHe = { xavier: fall(a), he: fall(b) };
  assert.ok(fall(a) < 1e-5, "Xavier halves Var(z) at every ReLU layer");
  assert.ok(fall(b) > 0.1 && fall(b) < 10, "He keeps Var(z)");
  const phases = await page.$$eval('[data-testid="phase"]', (els) =>
    els.map((e) => (e as HTMLElement).dataset.phase),
  );
  assert.deepEqual(phases, ["ordered", "critical"]);
  await page.screenshot({ path: artifactPath("browser-lab-compare.png"), fullPage: false });
  assert.match(page.url(), /cmp=1/);
  assert.match(page.url(), /b\.init=he_normal/);
});

test("the run store: list the runs, open one run's charts", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  await page.goto(lab.server.url);
  await page.click('[data-testid="tab-runs"]');
  await page.waitForSelector('tr.run-row[data-id="e2e-spiral-run"]');
  await page.click('tr.run-row[data-id="e2e-spiral-run"]');
  await page.waitForSelector(".runs-detail .layer-table tbody tr");
  const rows = await page.locator(".runs-detail .layer-table tbody tr").count();
  assert.equal(rows, 4, "3 hidden layers and the output layer");
  assert.ok((await page.locator(".runs-detail canvas").count()) >= 3);
  const href = await page.getAttribute('[data-testid="open-in-lab"]', "href");
  assert.match(href ?? "", /hidden=8x3/);
  await page.screenshot({ path: artifactPath("browser-lab-runs.png"), fullPage: false });
});
