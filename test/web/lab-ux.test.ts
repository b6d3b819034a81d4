import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { findPreset } from "../../web/src/presets.js";
import { FIELDS, toUrl } from "../../web/src/state.js";
import { artifactPath, browserMissing, type LabSession, openLab, ready, waitStatus } from "./browser.js";

// The lab for everyone (issue 17), in real headless Chromium: links cannot inject markup, the
// page fits a phone, every control has a name and axe-core finds no serious violation, keys on a
// focused control belong to it, a refused value is explained next to its field.

const missing = browserMissing();
let session: LabSession;
let lab: LabSession["lab"];
let page: Page;
let pageErrors: string[] = [];
let requests: string[] = [];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

before(async () => {
  if (missing) return;
  session = await openLab();
  ({ lab, page, pageErrors, requests } = session);
});

after(async () => {
  await session?.close();
});

/** The URL query of a preset (its settings, and B's when it compares). */
function presetQuery(id: string): string {
  const p = findPreset(id)!;
  return toUrl(p.state, p.compare ? { ...p.state, ...p.compare } : null, p.id);
}

/** Waits until every run shown has drawn its initial probe (step 0). */
async function initialProbes(p: Page): Promise<void> {
  await p.waitForFunction(
    () =>
      document.querySelectorAll('[data-testid^="lab"] .layer-table[data-step="0"]').length ===
      document.querySelectorAll('[data-testid^="lab"]').length,
    null,
    { timeout: 60_000 },
  );
}

// Each payload carries the attribute data-pwn: an element created from it would carry it too.
const PAYLOADS = [
  `<meta http-equiv="refresh" content="0;url=/pwned-meta" data-pwn>`,
  `<form action="/pwned-form" data-pwn><input name=q autofocus></form>`,
  `<img src=/pwned-img onerror="window.__pwned=1" data-pwn>`,
  `<svg data-pwn onload="window.__pwned=1"><circle r=9 /></svg>`,
  `javascript:window.__pwned=1`,
  `"><a href="javascript:window.__pwned=1" data-pwn>x</a>`,
  `</option></select></pre></div><base href="https://evil.example/" data-pwn><b data-pwn>x</b>`,
  `</title></style></script><iframe src="/pwned-frame" data-pwn></iframe>`,
];

test("links cannot inject markup: payloads in every URL key create no element, no request and no navigation", {
  skip: missing ?? false,
  timeout: 240_000,
}, async () => {
  const keys = ["preset", ...FIELDS.map((f) => f.url), ...FIELDS.map((f) => `b.${f.url}`)];
  for (const payload of PAYLOADS) {
    const q = new URLSearchParams({ cmp: "1" });
    for (const k of keys) q.set(k, payload);
    const url = `${lab.server.url}?${q}`;
    let navigations = 0;
    const onNav = (f: { parentFrame(): unknown }) => {
      if (!f.parentFrame()) navigations++;
    };
    page.on("framenavigated", onNav);
    requests.length = 0;
    await page.goto(url);
    await ready(page);
    // a meta refresh with a delay of 0 (or an autofocused form, an onerror) acts within this time
    await page.waitForTimeout(1200);
    page.off("framenavigated", onNav);
    assert.equal(navigations, 1, `only the page's own load (payload ${payload})`);
    assert.equal(await page.locator("[data-pwn]").count(), 0, `an element was created from ${payload}`);
    assert.equal(await page.evaluate("window.__pwned === undefined"), true, payload);
    assert.deepEqual(
      requests.filter((r) => /pwned|evil/.test(new URL(r).hostname + new URL(r).pathname)),
      [],
      `the page fetched what a payload asked for (${payload})`,
    );
    assert.equal(await page.locator("form").count(), 1, "the settings form only");
    assert.equal(await page.locator('a[href^="javascript:"], base, meta[http-equiv="refresh"]').count(), 0);
    // the problems are shown, as text
    const notice = (await page.textContent("#notice")) ?? "";
    assert.match(notice, /The link had problems/);
    assert.ok(
      notice.includes(payload.slice(0, 20)) || notice.includes(JSON.stringify(payload).slice(1, 21)),
      `the notice shows the payload as text: ${notice.slice(0, 200)}`,
    );
  }
  assert.deepEqual(pageErrors, []);
});

test("the content security policy forbids other form targets and base URLs", {
  skip: missing ?? false,
}, async () => {
  const r = await fetch(lab.server.url);
  const csp = r.headers.get("content-security-policy") ?? "";
  assert.match(csp, /form-action 'self'/);
  assert.match(csp, /base-uri 'none'/);
  assert.match(await r.text(), /http-equiv="Content-Security-Policy"[^>]*form-action 'self'/);
});

/** Widths of the page and of its panels, and what sticks out to the right of the window. */
async function layout(
  p: Page,
): Promise<{ scrollWidth: number; panels: { cls: string; width: number }[]; wide: string[] }> {
  return (await p.evaluate(`(() => {
    const W = document.documentElement.clientWidth;
    const panels = [...document.querySelectorAll("#tab-lab .panel")]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ cls: e.className, width: e.getBoundingClientRect().width }));
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > W + 0.5 && e.offsetParent !== null && !e.closest(".p-table .body, .table-wrap"))
      .map((e) => e.tagName + "." + e.className);
    return { scrollWidth: document.documentElement.scrollWidth, panels, wide };
  })()`)) as { scrollWidth: number; panels: { cls: string; width: number }[]; wide: string[] };
}

test("phones and wide screens: no horizontal overflow at 412 px, every panel at least 300 px wide there", {
  skip: missing ?? false,
  timeout: 240_000,
}, async () => {
  const cases: [string, string][] = [
    ["lab", ""],
    ["spiral", "data=spiral&prep=standardize"],
    ["compare", presetQuery("xavier-vs-he-30")],
    ["mnist", presetQuery("relu-raw-pixels")],
  ];
  for (const width of [412, 768, 1400, 1920]) {
    await page.setViewportSize({ width, height: width < 800 ? 915 : 1000 });
    for (const [name, query] of cases) {
      await page.goto(`${lab.server.url}?${query}`);
      await ready(page);
      await initialProbes(page);
      await page.waitForTimeout(300);
      const l = await layout(page);
      if (width === 412 || name === "lab")
        await page.screenshot({ path: artifactPath(`lab-${name}-${width}.png`), fullPage: width <= 768 });
      assert.ok(
        l.scrollWidth <= width,
        `${name} at ${width} px: the page is ${l.scrollWidth} px wide (${l.wide.slice(0, 5)})`,
      );
      assert.deepEqual(l.wide, [], `${name} at ${width} px: elements past the right edge`);
      if (width === 412) {
        assert.ok(l.panels.length >= 6, `${name}: panels shown`);
        for (const p of l.panels)
          assert.ok(p.width >= 300, `${name} at 412 px: ${p.cls} is ${p.width} px wide`);
        // the settings are folded behind their summary, which opens them
        assert.equal(await page.$eval("#settings", (d) => (d as HTMLDetailsElement).open), false);
        await page.click("#settings > summary");
        assert.equal(await page.isVisible('[data-testid="cfg-hidden"]'), true);
      }
    }
  }
  // the runs tab at 412 px
  await page.setViewportSize({ width: 412, height: 915 });
  await page.goto(lab.server.url);
  await page.click('[data-testid="tab-runs"]');
  await page.waitForTimeout(500);
  assert.ok((await layout(page)).scrollWidth <= 412);
  await page.setViewportSize({ width: 1400, height: 900 });
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core (pinned in package.json) on the page as it is: the serious and critical violations. */
async function axeViolations(p: Page): Promise<AxeViolation[]> {
  // through the DevTools protocol (the page's CSP allows no inline script, rightly)
  if (!(await p.evaluate("typeof window.axe !== 'undefined'"))) await p.evaluate(AXE);
  const result = (await p.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: AxeViolation[];
  };
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

const describeViolations = (vs: AxeViolation[]) =>
  vs
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" "))}`)
    .join("\n");

test("keyboards and screen readers: every control has a name, every chart a text, axe finds nothing serious", {
  skip: missing ?? false,
  timeout: 240_000,
}, async () => {
  for (const query of ["", presetQuery("exploding"), presetQuery("xavier-vs-he-30")]) {
    await page.goto(`${lab.server.url}?${query}`);
    await ready(page);
    await initialProbes(page);
    await page.waitForTimeout(500);
    const unnamed =
      (await page.evaluate(`[...document.querySelectorAll("button, input, select, textarea, a[href]")]
      .filter((e) => e.offsetParent !== null || e.closest("details:not([open])"))
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby") && !(e.textContent || "").trim() && !e.title)
      .map((e) => e.outerHTML.slice(0, 120))`)) as string[];
    assert.deepEqual(unnamed, [], `controls without an accessible name (${query})`);
    const charts = (await page.evaluate(`[...document.querySelectorAll("#tab-lab canvas")]
      .filter((c) => !c.closest("[role=img][aria-label]"))
      .map((c) => (c.closest(".panel")?.className ?? "") + " " + c.className)`)) as string[];
    assert.deepEqual(charts, [], "canvases without a text alternative");
    const label = await page.getAttribute('[data-testid^="lab"] .p-variance [role="img"]', "aria-label");
    assert.match(label ?? "", /Var\(z\) [0-9]/, "the variance chart's text gives its numbers");
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, describeViolations(violations));
    await page.screenshot({
      path: artifactPath(`lab-preset-${query.match(/preset=([a-z0-9-]+)/)?.[1] ?? "default"}.png`),
    });
  }
  // the runs tab
  await page.click('[data-testid="tab-runs"]');
  await page.waitForTimeout(500);
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, describeViolations(violations));
});

test("Space and Enter press the focused button; the shortcut starts training only when no control has focus", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  await page.goto(`${lab.server.url}?preset=sigmoid-8-layers`);
  await ready(page);
  // Space on the focused "compare" checkbox toggles it, and does not start training
  await page.focus("#compare");
  await page.keyboard.press("Space");
  await page.waitForTimeout(300);
  assert.equal(await page.isChecked("#compare"), true);
  await ready(page);
  // Space on the focused Reset button presses Reset (a new run at step 0), not Start
  await page.focus("#btn-step");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector<HTMLElement>("#status")?.dataset.step === "1");
  // both columns pause after their one step (B may report a moment after A on a busy machine);
  // a Space that started training would leave them running instead
  await waitStatus(page, /^paused,paused$/, 15_000);
  await page.focus("#btn-step");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector<HTMLElement>("#status")?.dataset.step === "2");
  // a "try" button of the preset box, by keyboard
  await page.focus('.preset-box button[data-try="0"]');
  await page.keyboard.press("Space");
  await ready(page);
  assert.equal(
    await page.getAttribute("#status", "data-step"),
    "0",
    "the try button reset the run with its change",
  );
  // Space with nothing focused starts training
  await page.evaluate("document.activeElement && document.activeElement.blur()");
  await page.keyboard.press("Space");
  await page.waitForFunction(() =>
    /running|done/.test(document.querySelector<HTMLElement>("#status")?.dataset.status ?? ""),
  );
  await page.keyboard.press("Space");
});

test("a refused value is explained next to its field, which shows the value in use again", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  await page.goto(lab.server.url);
  await ready(page);
  const field = page.locator('[data-testid="cfg-hidden"]');
  await field.fill("16x500");
  await field.press("Enter");
  await field.blur();
  const err = page.locator('[data-testid="err-hidden"]');
  await err.waitFor({ state: "visible" });
  assert.match((await err.textContent()) ?? "", /500 layers, over the lab's limit of 100/);
  assert.match((await err.textContent()) ?? "", /still using 16x4/);
  assert.equal(await field.inputValue(), "16x4");
  assert.equal(await field.getAttribute("aria-describedby"), "f-hidden-error");
  // the error sits in the same row as its field, under it (below the per-layer buttons)
  const [box, msg, row] = await Promise.all([
    field.boundingBox(),
    err.boundingBox(),
    page.locator('[data-field="hidden"]').boundingBox(),
  ]);
  assert.ok(box && msg && row && msg.y >= box.y && msg.y + msg.height <= row.y + row.height + 1);
  // a second bad value elsewhere keeps the first message
  await page.fill('[data-testid="cfg-lr"]', "-1");
  await page.press('[data-testid="cfg-lr"]', "Enter");
  await page.locator('[data-testid="err-lr"]').waitFor({ state: "visible" });
  assert.match((await err.textContent()) ?? "", /500/);
  assert.equal(await page.inputValue('[data-testid="cfg-lr"]'), "0.03");
  // a good value clears its message
  await field.fill("16,8,4");
  await field.press("Enter");
  await field.blur();
  await err.waitFor({ state: "hidden" });
  assert.match(page.url(), /hidden=16%2C8%2C4/);
});

test("per-layer widths with +/- buttons, from the keyboard, within the limits", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  await page.goto(`${lab.server.url}?data=xor&hidden=3,2`);
  await ready(page);
  const hidden = () => new URL(page.url()).searchParams.get("hidden");
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label"));
  // + layer: a new last layer of the last one's width; the focus stays on the button
  await page.focus('[aria-label="add a hidden layer"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("hidden") === "3,2x2");
  assert.equal(await focused(), "add a hidden layer");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("hidden") === "3,2x3");
  // one unit more in layer 1, one fewer in layer 2: Tab reaches the buttons
  await page.focus('[aria-label="more units in layer 1"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("hidden") === "4,2x3");
  assert.equal(await focused(), "more units in layer 1");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(), "fewer units in layer 1");
  await page.focus('[aria-label="fewer units in layer 2"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("hidden") === "4,1,2x2");
  // a width of 1 cannot lose a unit; the status line says the shape
  assert.equal(await page.isDisabled('[aria-label="fewer units in layer 2"]'), true);
  assert.match((await page.textContent(".layers-editor [aria-live]")) ?? "", /4 hidden layers: 4, 1, 2, 2/);
  // the network the run trains has those layers (the layer table: 4 hidden layers and the output)
  await ready(page);
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="lab"] .layer-table tbody tr').length === 5,
  );
  // - layer down to none, then the button is disabled
  for (let i = 0; i < 4; i++) await page.click('[aria-label="remove the last hidden layer"]');
  assert.equal(hidden(), "none");
  assert.equal(await page.isDisabled('[aria-label="remove the last hidden layer"]'), true);
  // limits: at the widest layer + is disabled; a layer that breaks the parameter limit is refused
  // (batch 1900 x 4100 units fit in the 8M cached values; a third layer of 2048 does not)
  await page.goto(`${lab.server.url}?data=xor&hidden=2048x2&batch=1900`);
  await ready(page);
  assert.equal(await page.isDisabled('[aria-label="more units in layer 1"]'), true);
  await page.click('[aria-label="add a hidden layer"]');
  await page.waitForSelector('[data-testid="err-hidden"]:has-text("cached values, over the limit")');
  assert.equal(hidden(), "2048x2");
  assert.equal(await page.inputValue('[data-testid="cfg-hidden"]'), "2048x2");
  // residual blocks of 2: a block at a time, one width for every layer; a shape they cannot take is refused
  await page.goto(`${lab.server.url}?data=xor&hidden=8x3&res=2`);
  await ready(page);
  await page.click('[aria-label="add a residual block (2 layers)"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get("hidden") === "8x5");
  await page.click('[data-action="more-1"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get("hidden") === "9x5");
  await page.click('[aria-label="remove the last residual block (2 layers)"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get("hidden") === "9x3");
  assert.equal(await page.isDisabled('[aria-label="remove the last residual block (2 layers)"]'), true);
  await page.fill('[data-testid="cfg-hidden"]', "9,9,8");
  await page.press('[data-testid="cfg-hidden"]', "Enter");
  await page.waitForSelector('[data-testid="err-hidden"]:has-text("equal hidden widths")');
  assert.equal(hidden(), "9x3");
  await page.fill('[data-testid="cfg-res"]', "1");
  await page.press('[data-testid="cfg-res"]', "Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("res") === "1");
  assert.equal(await page.isEnabled('[aria-label="add a residual block (1 layer)"]'), true);
  // a deep network is edited as a list
  await page.goto(`${lab.server.url}?data=xor&hidden=8x20`);
  await ready(page);
  assert.equal(await page.locator(".layer-widths button").count(), 0);
  assert.match((await page.textContent(".layer-widths")) ?? "", /edit the list/);
  assert.deepEqual(pageErrors, []);
});

test("the CLI notice can be closed and leaves the probe slider usable", {
  skip: missing ?? false,
  timeout: 60_000,
}, async () => {
  await page.goto(lab.server.url);
  await ready(page);
  await page.click("#btn-cli");
  await page.waitForSelector('[data-testid="cli-command"]');
  // the slider is not covered: the point at its centre belongs to it
  const box = await page.locator('[data-testid="timeline"]').first().boundingBox();
  assert.ok(box);
  const hit = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x, y)?.getAttribute("data-testid"),
    [box.x + box.width / 2, box.y + box.height / 2],
  );
  assert.equal(hit, "timeline");
  await page.click('#notice button[aria-label="close this message"]');
  assert.equal(await page.isHidden("#notice"), true);
});

test("the PyTorch button gives the run's script and the export command that writes its data", {
  skip: missing ?? false,
  timeout: 60_000,
}, async () => {
  await page.goto(`${lab.server.url}?act=relu&init=he_normal`);
  await ready(page);
  await page.click("#btn-torch");
  const box = page.locator('[data-testid="torch-export"]');
  await box.waitFor();
  assert.match(
    (await box.locator("pre").textContent()) ?? "",
    /^npx initlab export torch .*--activation relu --init he_normal.*--out run\.py --data-out initlab-data\.safetensors$/,
  );
  // the link is a download (the page's CSP lets it fetch nothing but its own origin)
  const [download] = await Promise.all([page.waitForEvent("download"), box.locator("a[download]").click()]);
  assert.equal(download.suggestedFilename(), "run.py");
  const script = readFileSync(await download.path(), "utf8");
  assert.match(script, /import torch/);
  assert.match(script, /nn\.init\.kaiming_normal_\(/);
  await page.click('#notice button[aria-label="close this message"]');
});

test("a run that reached its step limit continues; without a limit it trains on until paused", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  const status = () => page.$eval("#status", (el) => ({ ...(el as HTMLElement).dataset }));
  await page.goto(`${lab.server.url}?data=xor&steps=30&probe=10`);
  await ready(page);
  await page.click("#btn-play");
  await page.waitForFunction(() => document.querySelector<HTMLElement>("#status")?.dataset.status === "done");
  assert.equal((await status()).step, "30");
  assert.equal(await page.textContent("#btn-play"), "Continue");
  assert.equal(await page.isEnabled("#btn-play"), true);
  const loss30 = (await status()).loss;
  await page.click("#btn-play");
  await page.waitForFunction(
    () =>
      document.querySelector<HTMLElement>("#status")?.dataset.status === "done" &&
      document.querySelector<HTMLElement>("#status")?.dataset.step === "60",
  );
  await page.waitForSelector('[data-testid="lab"] .layer-table[data-step="60"]');
  // the continued run is the run a limit of 60 would have made: the same loss at step 60
  const loss60 = (await status()).loss;
  await page.goto(`${lab.server.url}?data=xor&steps=60&probe=10`);
  await ready(page);
  await page.click("#btn-play");
  await page.waitForFunction(() => document.querySelector<HTMLElement>("#status")?.dataset.status === "done");
  assert.equal((await status()).loss, loss60);
  assert.notEqual(loss30, loss60);
  // no limit: past 60 until paused
  await page.check("#unlimited");
  await page.click("#btn-play");
  await page.waitForFunction(
    () => Number(document.querySelector<HTMLElement>("#status")?.dataset.step) > 200,
  );
  assert.match((await page.textContent("#status")) ?? "", /no limit/);
  await page.click("#btn-play");
  await page.waitForFunction(
    () => document.querySelector<HTMLElement>("#status")?.dataset.status === "paused",
  );
  await page.uncheck("#unlimited");
});

test("one worker per column across resets: the next runs train at least as fast as the first", {
  skip: missing ?? false,
  timeout: 300_000,
}, async () => {
  const p = findPreset("sigmoid-8-layers")!;
  await page.goto(`${lab.server.url}?${toUrl({ ...p.state, backend: "wasm" }, null, p.id)}`);
  const speeds: number[] = [];
  const losses: string[] = [];
  const canary = monitorEventLoopDelay({ resolution: 10 });
  canary.enable();
  for (let run = 1; run <= 3; run++) {
    if (run > 1) await page.click("#btn-reset");
    // the status names the run's number in its worker: 1, 2, 3 = the same worker
    await page.waitForFunction(
      (n) => {
        const d = document.querySelector<HTMLElement>("#status")?.dataset;
        return d?.status === "paused" && d.workerRun === String(n);
      },
      run,
      { timeout: 60_000 },
    );
    await page.click("#btn-play");
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>("#status")?.dataset.status === "done",
      null,
      {
        timeout: 120_000,
      },
    );
    speeds.push(Number(await page.getAttribute("#status", "data-sps")));
    losses.push(String(await page.getAttribute("#status", "data-loss")));
  }
  canary.disable();
  // a run in a kept worker (and on its kept WebAssembly instance) is the same run, bit for bit
  assert.deepEqual(losses, [losses[0], losses[0], losses[0]]);
  const stall = canary.max / 1e6;
  const later = Math.max(...speeds.slice(1));
  console.log(
    `# worker kept across resets: ${speeds.map((s) => Math.round(s)).join(", ")} samples/s in runs 1-3 ` +
      `(Node canary: longest stall ${stall.toFixed(0)} ms)`,
  );
  // a new worker for every run made the first run the fast one's half (17k vs 34k samples/s):
  // the runs after it, in the same worker, keep its speed (within 15%) or pass it
  if (stall > 100) {
    // other processes held the CPU: speeds measured now swing by 2x either way
    console.log("# machine busy: checking the later runs reach half the first's speed instead of 85%");
    assert.ok(later >= 0.5 * speeds[0], `runs at ${speeds.join(", ")} samples/s`);
  } else assert.ok(later >= 0.85 * speeds[0], `runs at ${speeds.join(", ")} samples/s`);
});
