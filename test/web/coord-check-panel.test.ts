import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { dataOptionsOf } from "../../src/train/config.js";
import { coordCheck } from "../../src/train/coord-check.js";
import { LAB_COORD } from "../../web/src/coord-protocol.js";
import { findPreset } from "../../web/src/presets.js";
import { DEFAULT_STATE, parseUrl, toUrl } from "../../web/src/state.js";
import { toCliCommand, toTrainConfig } from "../../web/src/state-config.js";
import { browserLock, browserMissing, launchBrowser, serveLab } from "./browser.js";

// The lab's coordinate-check panel (issue 16), in headless Chromium: on request its worker runs
// the CLI's coordinate check on the lab's settings, and the exponents it shows are the ones the
// same check computes here in Node.

const missing = browserMissing();
let lab: Awaited<ReturnType<typeof serveLab>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];
let release: (() => void) | null = null;

before(async () => {
  if (missing) return;
  release = await browserLock();
  lab = await serveLab(mkdtempSync(join(tmpdir(), "initlab-runs-")));
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
});

after(async () => {
  if (missing) return;
  await browser?.close();
  await lab?.close();
  release?.();
});

test("the coordinate-check panel shows the exponents the CLI's check computes for the same settings", {
  skip: missing ?? false,
  timeout: 180_000,
}, async () => {
  const state = {
    ...DEFAULT_STATE,
    data: "spiral" as const,
    hidden: [16, 16],
    activation: "tanh",
    lr: 0.1,
    seed: 4,
  };
  await page.goto(`${lab.server.url}?${toUrl(state, null, null)}`);
  await page.click("[data-testid=coord-check] summary");
  await page.click("[data-testid=coord-run]");
  await page.waitForSelector("[data-testid=coord-exponents]", { timeout: 150_000 });
  const shown = await page.$$eval("[data-testid=coord-exponents] tr", (rows) =>
    rows.slice(1).map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent ?? "")),
  );
  // The same check in Node: the lab's config at the smallest width, as the worker makes it.
  const lab0 = toTrainConfig({
    ...state,
    samples: Math.min(state.samples, LAB_COORD.maxSamples),
    hidden: [32, 32],
  });
  const base = { ...lab0, momentum: 0, readoutZero: true, baseWidth: 32, probeBatch: LAB_COORD.probeBatch };
  const r = coordCheck({
    base,
    widths: [...LAB_COORD.widths],
    depth: 2,
    steps: LAB_COORD.steps,
    seeds: [4, 5],
    parametrizations: ["sp", "mup"],
    dataset: await loadDataset(dataOptionsOf(lab0)),
    backend: new TsBackend(),
  });
  const expected = r.exponents
    .filter((e) => e.what === "activation")
    .map((e) => [
      e.parametrization,
      e.layer === 2 ? "logits" : `hidden ${e.layer}`,
      `${e.mean.toFixed(2)} [${e.low.toFixed(2)}, ${e.high.toFixed(2)}]`,
    ]);
  assert.deepEqual(shown, expected);
  assert.equal(await page.locator("[data-testid=coord-body] svg").count(), 2);
  assert.deepEqual(pageErrors, []);
});

test("the muP preset compares SP with muP at width 512 and the base width 64", () => {
  const p = findPreset("mup-transfer");
  assert.ok(p);
  assert.equal(p.state.parametrization, "sp");
  assert.equal(p.compare?.parametrization, "mup");
  assert.deepEqual(p.state.hidden, [512, 512]);
  assert.equal(p.state.baseWidth, 64);
  // What the lab trains: muP's base width reaches the config, SP's is left unset (SP unchanged).
  assert.equal(toTrainConfig({ ...p.state, ...p.compare }).baseWidth, 64);
  assert.equal(toTrainConfig(p.state).baseWidth, null);
});

test("parametrization, base width and zero readout are lab fields: in links, in the config and in the CLI command", () => {
  const p = parseUrl("?param=mup&base=32&rz=true&width=128");
  assert.deepEqual(p.problems, []);
  const c = toTrainConfig(p.a);
  assert.equal(c.parametrization, "mup");
  assert.equal(c.baseWidth, 32);
  assert.equal(c.readoutZero, true);
  assert.match(toCliCommand(p.a), /--parametrization mup .*--base-width 32 --readout-zero/);
  // the old width key reads as that width at the default depth; links now write the hidden list
  assert.equal(toUrl(p.a, null, null), "hidden=128x4&param=mup&base=32&rz=true");
  const bad = parseUrl("?rz=yes");
  assert.equal(bad.a.readoutZero, false);
  assert.deepEqual(bad.problems, ['zero readout: "yes" is not true or false']);
});
