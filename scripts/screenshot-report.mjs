#!/usr/bin/env node
// Opens an initlab HTML report in headless Chromium, checks that every chart rendered (each
// <figure> holds an <svg> with a non-empty drawing box) and saves a full-page screenshot.
//
// Usage: node scripts/screenshot-report.mjs REPORT.html [OUT.png] [--width 1200] [--split H] [--json]
//   --split H  also saves the page in slices of H pixels (OUT-1.png, OUT-2.png, ...), easier to read
// Exit codes: 0 rendered, 1 a chart did not render or the page logged an error, 2 bad usage or
// no Chromium. Chromium: $CHROMIUM, else /usr/bin/chromium.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const json = args.includes("--json");
if (json) args.splice(args.indexOf("--json"), 1);
const width = Number(flag("--width") ?? 1200);
const split = flag("--split");
const sliceHeight = split === undefined ? 0 : Number(split);
const [input, output] = args;
if (!input || !Number.isInteger(width) || width < 320 || !(sliceHeight === 0 || sliceHeight >= 200)) {
  process.stderr.write(
    "usage: node scripts/screenshot-report.mjs REPORT.html [OUT.png] [--width 1200] [--split H] [--json]\n",
  );
  process.exit(2);
}
const page = resolve(input);
if (!existsSync(page)) {
  process.stderr.write(`screenshot-report: ${page} does not exist\n`);
  process.exit(2);
}
const out = resolve(output ?? page.replace(/\.html?$/, "") + ".screenshot.png");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  process.stderr.write(
    `screenshot-report: no Chromium at ${executablePath} (set CHROMIUM=/path/to/chromium)\n`,
  );
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let result;
try {
  const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  const tab = await context.newPage();
  const errors = [];
  tab.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  tab.on("pageerror", (e) => errors.push(String(e)));
  // A self-contained report makes no requests beyond its own file and its local links.
  const requests = [];
  tab.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });
  const charts = await tab.$$eval("figure", (figs) =>
    figs.map((f) => {
      const svg = f.querySelector("svg");
      const box = svg ? svg.getBoundingClientRect() : null;
      const drawn = svg ? svg.querySelectorAll("path, rect, text").length : 0;
      return { id: f.id, width: box ? box.width : 0, height: box ? box.height : 0, elements: drawn };
    }),
  );
  const verdict = await tab.$eval(".verdict .label", (e) => e.textContent).catch(() => null);
  await tab.screenshot({ path: out, fullPage: true });
  const slices = [];
  if (sliceHeight > 0) {
    const total = await tab.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, i = 1; y < total; y += sliceHeight, i++) {
      const path = out.replace(/\.png$/, "") + `-${i}.png`;
      await tab.screenshot({
        path,
        fullPage: true,
        clip: { x: 0, y, width, height: Math.min(sliceHeight, total - y) },
      });
      slices.push(path);
    }
  }
  const bad = charts.filter((c) => c.width < 100 || c.height < 100 || c.elements < 10);
  result = {
    page,
    screenshot: out,
    slices,
    verdict,
    charts,
    badCharts: bad,
    errors,
    externalRequests: requests,
  };
} finally {
  await browser.close();
}
if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  process.stdout.write(
    `${result.screenshot}: ${result.charts.length} charts rendered${result.verdict ? `, verdict "${result.verdict}"` : ""}\n`,
  );
  for (const c of result.badCharts)
    process.stdout.write(`  chart ${c.id} did not render (${c.width}x${c.height}, ${c.elements} elements)\n`);
  for (const e of result.errors) process.stdout.write(`  page error: ${e}\n`);
  for (const u of result.externalRequests) process.stdout.write(`  external request: ${u}\n`);
}
process.exit(result.badCharts.length || result.errors.length || result.externalRequests.length ? 1 : 0);
