import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { artifactPath, browserMissing, type LabSession, openLab } from "./browser.js";

// The notes page (/notes.html) in real headless Chromium: every live lab reaches its verdict, the
// verdict the notes claim, in under 20 s; the page reads on a phone and passes axe-core.

const missing = browserMissing();
let session: LabSession;
let lab: LabSession["lab"];
let page: Page;
let pageErrors: string[] = [];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

before(async () => {
  if (missing) return;
  session = await openLab();
  ({ lab, page, pageErrors } = session);
});

after(async () => {
  await session?.close();
  const outside = (session?.requests ?? []).filter((r) => new URL(r).hostname !== "127.0.0.1");
  assert.deepEqual(outside, [], "the notes fetched from outside this machine");
});

test("every live lab of the notes reaches the notes' verdict in under 20 s", {
  skip: missing ?? false,
  timeout: 400_000,
}, async () => {
  await page.goto(`${lab.server.url}notes.html`);
  await page.waitForSelector(".katex");
  assert.ok((await page.locator(".katex").count()) > 20, "the formulas are typeset");
  // the page fetches the labs' data set (and kernels) while it is read: the seconds counted are the lab's
  await page.waitForSelector("body[data-ready]", { timeout: 120_000 });
  const times: Record<string, number> = {};
  const ids = await page.$$eval(".live-lab", (els) => els.map((e) => e.id.replace(/^lab-/, "")));
  assert.deepEqual(ids, ["raw-pixels", "vanishing", "exploding", "dying-relu", "moments", "xavier", "he"]);
  for (const l of ids.map((id) => ({ id }))) {
    const t0 = Date.now();
    await page.click(`[data-testid="run-${l.id}"]`);
    const verdict = page.locator(`[data-testid="verdict-${l.id}"]`);
    await page.waitForFunction(
      (id) => document.querySelector<HTMLElement>(`[data-testid="verdict-${id}"]`)?.dataset.state === "done",
      l.id,
      { timeout: 60_000 },
    );
    times[l.id] = Date.now() - t0;
    const text = (await verdict.textContent()) ?? "";
    console.log(`# ${l.id}: ${(times[l.id] / 1000).toFixed(1)} s: ${text}`);
    assert.equal(await verdict.getAttribute("data-pass"), "true", `${l.id}: ${text}`);
    assert.ok(times[l.id] < 20_000, `${l.id} took ${times[l.id]} ms`);
  }
  await page.screenshot({ path: artifactPath("notes-1400.png"), fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test("the notes page on a phone, for screen readers and on paper", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  await page.setViewportSize({ width: 412, height: 915 });
  await page.goto(`${lab.server.url}notes.html`);
  await page.waitForSelector(".katex");
  assert.ok(
    ((await page.evaluate("document.documentElement.scrollWidth")) as number) <= 412,
    "no horizontal overflow at 412 px",
  );
  await page.screenshot({ path: artifactPath("notes-412.png"), fullPage: true });
  await page.evaluate(AXE);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.help} at ${v.nodes[0]?.target}`),
    [],
  );
  // the original Vietnamese notes are one click away
  await page.click(".original summary");
  assert.match((await page.textContent(".original pre")) ?? "", /Normalize/);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible('[data-testid="run-all"]'), false, "no buttons on paper");
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 1400, height: 900 });
});
