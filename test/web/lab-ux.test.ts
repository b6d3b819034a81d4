import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { FIELDS } from "../../web/src/state.js";
import { artifactPath, browserMissing, launchBrowser, serveLab } from "./browser.js";

// The lab for everyone (issue 17), in real headless Chromium: links cannot inject markup, the
// page fits a phone, every control has a name and axe-core finds no serious violation, keys on a
// focused control belong to it, a refused value is explained next to its field.

const missing = browserMissing();
let lab: Awaited<ReturnType<typeof serveLab>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];
const requests: string[] = [];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

before(async () => {
  if (missing) return;
  lab = await serveLab(mkdtempSync(join(tmpdir(), "initlab-runs-")));
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    requests.push(url.href);
    if (url.hostname !== "127.0.0.1") return route.abort();
    return route.continue();
  });
});

after(async () => {
  if (missing) return;
  await browser?.close();
  await lab?.close();
});

async function ready(p: Page): Promise<void> {
  await p.waitForFunction(
    () =>
      /^(ready|paused)(,(ready|paused))*$/.test(
        document.querySelector<HTMLElement>("#status")?.dataset.status ?? "",
      ),
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
async function layout(p: Page): Promise<{ scrollWidth: number; panels: { cls: string; width: number }[]; wide: string[] }> {
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
    ["compare", "preset=xavier-vs-he-30&cmp=1&depth=30&width=256&act=relu&init=xavier_normal&b.init=he_normal"],
  ];
  for (const width of [412, 768, 1400, 1920]) {
    await page.setViewportSize({ width, height: width < 800 ? 915 : 1000 });
    for (const [name, query] of cases) {
      await page.goto(`${lab.server.url}?${query}`);
      await ready(page);
      await page.waitForSelector('[data-testid^="lab"] .layer-table[data-step="0"]');
      await page.waitForTimeout(300);
      const l = await layout(page);
      if (width === 412 || name === "lab")
        await page.screenshot({ path: artifactPath(`lab-${name}-${width}.png`), fullPage: width <= 768 });
      assert.ok(l.scrollWidth <= width, `${name} at ${width} px: the page is ${l.scrollWidth} px wide (${l.wide.slice(0, 5)})`);
      assert.deepEqual(l.wide, [], `${name} at ${width} px: elements past the right edge`);
      if (width === 412) {
        assert.ok(l.panels.length >= 6, `${name}: panels shown`);
        for (const p of l.panels) assert.ok(p.width >= 300, `${name} at 412 px: ${p.cls} is ${p.width} px wide`);
        // the settings are folded behind their summary, which opens them
        assert.equal(await page.$eval("#settings", (d) => (d as HTMLDetailsElement).open), false);
        await page.click("#settings > summary");
        assert.equal(await page.isVisible('[data-testid="cfg-depth"]'), true);
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
