import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { blockCells, probeNumber } from "../../src/probe/block-format.js";
import type { BlockProbe, ProbeSnapshot } from "../../src/probe/types.js";
import { openRunStore } from "../../src/store/index.js";
import { dataOptionsOf, resolveConfig } from "../../src/train/config.js";
import type { RunRecord } from "../../src/train/record.js";
import { flagOf, SETTING_KEYS, settingOf } from "../../src/train/settings.js";
import { train } from "../../src/train/trainer.js";
import { findPreset } from "../../web/src/presets.js";
import { DEFAULT_STATE, type LabState, parseUrl, toUrl } from "../../web/src/state.js";
import { toCliArgs } from "../../web/src/state-config.js";
import {
  artifactPath,
  browserMissing,
  type LabSession,
  openLab,
  quantile,
  ROOT,
  ready,
  waitStatus,
} from "./browser.js";

// The lab's block panel (issue 15: per-block stream/branch views and the normalization layers'
// statistics), in headless Chromium: at step 0 it shows the numbers `initlab inspect` prints for
// the same settings and seed (one implementation: src/probe/block-probe.ts and block-format.ts),
// it follows the run as it trains, fits a phone, and axe-core finds nothing serious.

const missing = browserMissing();
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let s: LabSession;
let page: Page;

/** A stored residual LayerNorm run (2 blocks of 2 layers) for the run browser; its record. */
let stored: RunRecord;

before(async () => {
  if (missing) return;
  const home = mkdtempSync(join(tmpdir(), "initlab-runs-"));
  const config = resolveConfig({
    data: "spiral",
    preprocess: "standardize",
    hidden: [8, 8, 8, 8, 8],
    activation: "relu",
    init: "he_normal",
    residual: 2,
    norm: "layer",
    batchSize: 25,
    epochs: 2,
    seed: 5,
    probeEvery: 10,
    probeBatch: 64,
  });
  const dataset = await loadDataset(dataOptionsOf(config));
  stored = train(config, { dataset, backend: new TsBackend() });
  const store = openRunStore(home);
  store.putRun({ id: "residual-run", status: "ok", config, record: stored });
  store.close();
  s = await openLab(home);
  page = s.page;
});

after(async () => {
  await s?.close();
});

/** A residual BatchNorm network on a 2-D set: a projection and 3 blocks of 2 layers, on the TypeScript backend. */
const STATE: LabState = {
  ...DEFAULT_STATE,
  data: "spiral",
  hidden: [16, 16, 16, 16, 16, 16, 16],
  activation: "relu",
  init: "he_normal",
  residual: 2,
  norm: "batch",
  seed: 3,
  backend: "ts",
  steps: 200,
  probeEvery: 10,
};

/** `initlab inspect` with the lab's settings (the flags of `train` that act at initialization). */
async function cliInspect(state: LabState, ...extra: string[]): Promise<string> {
  const atInit = new Set(SETTING_KEYS.filter((k) => settingOf(k).atInit).map(flagOf));
  const train = toCliArgs(state).slice(1);
  const args: string[] = [];
  for (let i = 0; i < train.length; i++) {
    const value = i + 1 < train.length && !train[i + 1].startsWith("--");
    if (atInit.has(train[i])) args.push(train[i], ...(value ? [train[i + 1]] : []));
    if (value) i++;
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "test", "web", "cli-entry.ts"),
      "inspect",
      ...args,
      "--backend",
      "ts",
      ...extra,
    ],
    { cwd: ROOT, timeout: 120_000, killSignal: "SIGKILL" },
  );
  return stdout;
}

/** The rows of a table of the panel (its cells' text) and the step of its probe. */
async function table(p: Page, testid: string): Promise<{ step: string; rows: string[][]; names: string[] }> {
  return p.$eval(`[data-testid=lab] [data-testid=${testid}]`, (t) => ({
    step: (t as HTMLElement).dataset.step ?? "",
    rows: [...t.querySelectorAll("tbody tr")].map((r) =>
      [...r.querySelectorAll("td")].map((c) => c.textContent ?? ""),
    ),
    names: [...t.querySelectorAll("tbody tr")].map((r) => (r as HTMLElement).dataset.norm ?? ""),
  }));
}

async function waitStep0(p: Page): Promise<void> {
  await p.waitForFunction(
    () =>
      document.querySelectorAll("[data-testid^=lab] .p-blocks [data-testid=block-chart]").length ===
        document.querySelectorAll("[data-testid^=lab]").length &&
      [...document.querySelectorAll("[data-testid^=lab] .p-blocks svg")].every((e) =>
        /at step 0/.test(e.getAttribute("aria-label") ?? ""),
      ),
    null,
    { timeout: 90_000 },
  );
}

test("at step 0 the panel shows the blocks and normalization layers `initlab inspect` prints for the same settings", {
  skip: missing ?? false,
  timeout: 240_000,
}, async () => {
  const [cli, json] = await Promise.all([
    cliInspect(STATE),
    cliInspect(STATE, "--json"),
    (async () => {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page.goto(`${s.lab.server.url}?${toUrl(STATE, null, null)}`);
      await ready(page);
      await waitStep0(page);
    })(),
  ]);
  const lines = cli.split("\n");
  const head = lines.findIndex((l) => l.startsWith("block  layers"));
  assert.ok(head > 0, "inspect prints the blocks");
  const cliBlocks = lines.slice(head + 1, head + 4).map((l) => l.trim().split(/\s+/));
  const blocks = await table(page, "block-table");
  assert.equal(blocks.step, "0");
  assert.equal(blocks.rows.length, 3, "3 blocks of 2 layers after the projection");
  assert.deepEqual(blocks.rows, cliBlocks);
  // and the numbers behind the digits are inspect's to the last bit (the same backend, seed and batch)
  const raw = await page.$$eval("[data-testid=lab] [data-testid=block-table] tbody tr", (trs) =>
    trs.map((r) => {
      const d = (r as HTMLElement).dataset;
      return [d.streamSecond, d.branchVar, d.ratio, d.predicted].map(Number);
    }),
  );
  const jsonBlocks = (JSON.parse(json) as { blocks: BlockProbe[] }).blocks;
  assert.deepEqual(
    raw,
    jsonBlocks.map((b) => [b.streamSecond, b.branch.var, b.ratio, b.predictedStreamSecond]),
  );
  // the theory is there at step 0 (not "-")
  assert.ok(
    blocks.rows.every((r) => /^[0-9.]+(e[-+]?[0-9]+)?$/.test(r[7])),
    `predicted: ${blocks.rows.map((r) => r[7])}`,
  );
  const cliNorms = lines.filter((l) => /^layer \d+ BatchNorm/.test(l));
  const norms = await table(page, "norm-table");
  assert.equal(norms.rows.length, 7, "one BatchNorm per hidden layer");
  assert.deepEqual(
    norms.rows.map(
      (c, i) =>
        `layer ${c[0]} ${norms.names[i]}: input mean ${c[1]}, input var ${c[2]}, gamma ${c[3]}, beta ${c[4]}, running var ${c[5]}`,
    ),
    cliNorms,
  );
  const label = (await page.getAttribute("[data-testid=lab] [data-testid=block-chart]", "aria-label")) ?? "";
  assert.match(label, /stream E\[x²\] from [0-9.]+ to [0-9.]+; theory E\[x²\] from/);
  // the chart draws three lines (stream, theory, branch) over the blocks
  assert.equal(await page.locator("[data-testid=lab] [data-testid=block-chart] path").count(), 3);
  await page.screenshot({ path: artifactPath("block-panel-1400.png"), fullPage: true });
  assert.match(
    (await page.textContent("[data-testid=lab] [data-testid=norm-table] caption")) ?? "",
    /^BatchNorm \(pre\): per unit over the batch/,
  );
  assert.deepEqual(s.pageErrors, []);
});

/** Steps of the run the panel follows (see the test). */
const LONG_STEPS = 2000;

test("the panel follows the run as it trains, within a small draw cost; its chart choice is in the link", {
  skip: missing ?? false,
  timeout: 240_000,
}, async () => {
  // 2000 steps: on a quiet machine 200 steps finish within one redraw interval (400 ms), and the
  // panel then shows only steps 0 and 200, which says nothing about following the run.
  await page.goto(`${s.lab.server.url}?${toUrl({ ...STATE, steps: LONG_STEPS }, null, null)}`);
  await ready(page);
  await waitStep0(page);
  const at0 = await table(page, "norm-table");
  const blocks0 = await table(page, "block-table");
  await page.click("#btn-play");
  const steps = new Set<string>();
  const drawMs: number[] = [];
  // the table's step and the panel's last draw time, while the run trains
  for (let i = 0; i < 600; i++) {
    const [step, ms, status] = await page.evaluate(() => [
      document.querySelector<HTMLElement>("[data-testid=lab] [data-testid=block-table]")?.dataset.step ?? "",
      Number(
        document.querySelector<SVGElement>("[data-testid=lab] [data-testid=block-chart]")?.dataset.drawMs,
      ),
      document.querySelector<HTMLElement>("#status")?.dataset.status ?? "",
    ]);
    if (!steps.has(step as string)) {
      steps.add(step as string);
      drawMs.push(ms as number);
    }
    if (status === "done") break;
    await page.waitForTimeout(50);
  }
  await waitStatus(page, /^done$/);
  await page.waitForTimeout(600);
  const end = await table(page, "norm-table");
  assert.equal(end.step, String(LONG_STEPS));
  assert.ok(steps.size >= 3, `the panel showed probes of steps ${[...steps]} while training`);
  // training moved gamma, beta and BatchNorm's running averages
  assert.notDeepEqual(end.rows, at0.rows);
  assert.notEqual(end.rows[0][3], "1.00 [1.00, 1.00]", `gamma after ${LONG_STEPS} steps`);
  const blocks = await table(page, "block-table");
  assert.equal(blocks.step, String(LONG_STEPS));
  // the theory column is the step-0 prediction, carried forward; the measurements moved
  assert.deepEqual(
    blocks.rows.map((r) => r[7]),
    blocks0.rows.map((r) => r[7]),
  );
  assert.notDeepEqual(
    blocks.rows.map((r) => r[6]),
    blocks0.rows.map((r) => r[6]),
  );
  assert.equal(
    await page.textContent("[data-testid=lab] .block-table thead th:last-child"),
    "predicted (init)",
  );
  const median = quantile(drawMs, 0.5);
  console.log(
    `block panel draw (ms, per probe shown, ${drawMs.length} probes): median ${median.toFixed(2)}, max ${Math.max(...drawMs).toFixed(2)}`,
  );
  assert.ok(median <= 16, `the panel's median draw is ${median} ms`);
  // the chart's choice: in the link, and read back from it
  await page.selectOption("[data-testid=lab] [data-testid=block-metric]", "ratio");
  assert.match(page.url(), /[?&]bview=ratio(&|$)/);
  assert.match(
    (await page.getAttribute("[data-testid=lab] [data-testid=block-chart]", "aria-label")) ?? "",
    new RegExp(`^branch / stream ratio over 3 residual blocks at step ${LONG_STEPS}`),
  );
  await page.goto(page.url());
  await ready(page);
  await waitStep0(page);
  assert.equal(await page.inputValue("[data-testid=lab] [data-testid=block-metric]"), "ratio");
  assert.deepEqual(s.pageErrors, []);
});

/** Widths of the page and the block panels, and what sticks out past the window's right edge. */
async function layout(p: Page): Promise<{ scrollWidth: number; panels: number[]; wide: string[] }> {
  return (await p.evaluate(`(() => {
    const W = document.documentElement.clientWidth;
    const panels = [...document.querySelectorAll(".p-blocks")].map((e) => e.getBoundingClientRect().width);
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > W + 0.5 && e.offsetParent !== null && !e.closest(".p-table .body, .table-wrap"))
      .map((e) => e.tagName + "." + e.className);
    return { scrollWidth: document.documentElement.scrollWidth, panels, wide };
  })()`)) as { scrollWidth: number; panels: number[]; wide: string[] };
}

async function axeSerious(p: Page): Promise<string[]> {
  if (!(await p.evaluate("typeof window.axe !== 'undefined'"))) await p.evaluate(AXE);
  const r = (await p.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" "))}`);
}

test("the residual preset (A/B) and a normalized plain network: both columns' panels, at 412 and 1400 px, axe passes", {
  skip: missing ?? false,
  timeout: 300_000,
}, async () => {
  const p = findPreset("residual-branch-scale")!;
  const cases: [string, string, number][] = [
    ["residual-ab", toUrl(p.state, { ...p.state, ...p.compare }, p.id), 2],
    ["layernorm", toUrl({ ...STATE, residual: 0, norm: "layer", hidden: [16, 16, 16] }, null, null), 1],
  ];
  for (const [name, query, columns] of cases) {
    for (const width of [412, 1400]) {
      await page.setViewportSize({ width, height: width < 800 ? 915 : 1000 });
      await page.goto(`${s.lab.server.url}?${query}`);
      await ready(page, 120_000);
      await waitStep0(page);
      const l = await layout(page);
      assert.equal(l.panels.length, columns, `${name}: a block panel per column`);
      assert.ok(
        l.scrollWidth <= width,
        `${name} at ${width} px: the page is ${l.scrollWidth} px wide (${l.wide.slice(0, 5)})`,
      );
      assert.deepEqual(l.wide, [], `${name} at ${width} px: elements past the right edge`);
      if (width === 412)
        for (const w of l.panels) assert.ok(w >= 300, `${name} at 412 px: the panel is ${w} px wide`);
      await page.locator(".p-blocks").first().scrollIntoViewIfNeeded();
      await page
        .locator(".p-blocks")
        .first()
        .screenshot({ path: artifactPath(`block-panel-${name}-${width}.png`) });
      const violations = await axeSerious(page);
      assert.deepEqual(violations, [], `${name} at ${width} px`);
    }
  }
  // the normalized plain network has no blocks: the chart is the normalization layers'
  assert.equal(await page.locator("[data-testid=lab] [data-testid=block-table]").count(), 0);
  assert.equal((await table(page, "norm-table")).rows.length, 3);
  assert.match(
    (await page.getAttribute("[data-testid=lab] [data-testid=block-chart]", "aria-label")) ?? "",
    /^normalization inputs' variance over normalization layers \(0, 1, 2\) at step 0/,
  );
  assert.deepEqual(s.pageErrors, []);
});

test("ReZero at step 0: alpha 0, the stream flat at its theory, the zero branch said and left off the log scale", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${s.lab.server.url}?${toUrl({ ...STATE, branchScale: "rezero" }, null, null)}`);
  await ready(page);
  await waitStep0(page);
  const { rows } = await table(page, "block-table");
  assert.deepEqual(
    rows.map((r) => [r[2], r[4], r[5]]),
    rows.map(() => ["0.00", "0.00", "0.00"]),
  );
  // the stream does not move through the blocks, as the theory says (q_{b+1} = q_b)
  assert.ok(
    rows.every((r) => r[6] === rows[0][6] && r[7] === rows[0][6]),
    `${rows.map((r) => r.slice(6))}`,
  );
  assert.match(
    (await page.textContent("[data-testid=lab] .block-note")) ?? "",
    /values of 0 .* are left off the log scale/,
  );
  // stream and theory drawn, the zero branch not
  assert.equal(await page.locator("[data-testid=lab] [data-testid=block-chart] path").count(), 2);
  assert.deepEqual(s.pageErrors, []);
});

test("the run browser shows a stored residual run's last probe with the theory of its first", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(s.lab.server.url);
  await page.click('[data-testid="tab-runs"]');
  await page.click('tr.run-row[data-id="residual-run"]');
  await page.waitForSelector(".runs-detail [data-testid=block-table] tbody tr");
  const probes = stored.probes as ProbeSnapshot[];
  const first = probes[0];
  const last = probes[probes.length - 1];
  assert.equal(first.step, 0);
  assert.ok(last.step > 0 && last.blocks && first.blocks);
  const rows = await page.$$eval(".runs-detail [data-testid=block-table] tbody tr", (trs) =>
    trs.map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent ?? "")),
  );
  const expected = last.blocks.map((b, i) => [
    ...blockCells(b).slice(0, 7),
    probeNumber(first.blocks![i].predictedStreamSecond),
  ]);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows, expected);
  assert.equal(await page.locator(".runs-detail [data-testid=norm-table] tbody tr").count(), 5);
  const violations = await axeSerious(page);
  assert.deepEqual(violations, []);
  assert.deepEqual(s.pageErrors, []);
});

test("the block chart's link key: read, written, and refused with a message when unknown", () => {
  const p = parseUrl("?res=1&hidden=8x5&bview=norm");
  assert.deepEqual(p.problems, []);
  assert.equal(p.view.blockMetric, "norm");
  assert.equal(toUrl(p.a, null, null, p.view), "hidden=8x5&res=1&bview=norm");
  assert.equal(toUrl(p.a, null, null), "hidden=8x5&res=1", "no key for the default chart");
  const bad = parseUrl("?bview=<b>x</b>");
  assert.equal(bad.view.blockMetric, null);
  assert.deepEqual(bad.problems, ['block chart: "<b>x</b>" is not one of stream, ratio, norm']);
});
