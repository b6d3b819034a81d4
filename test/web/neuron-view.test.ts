import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import {
  artifactPath,
  browserMissing,
  type LabSession,
  openLab,
  quantile,
  ready,
  trainToEnd,
} from "./browser.js";

// The neuron-level network view in real headless Chromium: a small network on 2-D data is drawn
// unit by unit (maps oriented as the plane, weights readable by hover and by keyboard), a wider or
// deeper one as layers, and the view draws in under half a 33 ms frame while the largest such network trains.

const missing = browserMissing();
let session: LabSession;
let lab: LabSession["lab"];
let page: Page;

before(async () => {
  if (missing) return;
  session = await openLab();
  ({ lab, page } = session);
});

after(async () => {
  await session?.close();
  assert.deepEqual(session?.pageErrors ?? [], [], "errors in the page");
});

const VIEW = '[data-testid="lab"] [data-testid="neuron-view"]';

/** Tile positions as the view writes them: "col.unit" -> [x, y] in CSS pixels, and the tile size. */
async function tiles(p: Page): Promise<{ size: number; at: Map<string, [number, number]> }> {
  const [size, list] = await p.$eval(VIEW, (c) => [
    Number((c as HTMLElement).dataset.tile),
    (c as HTMLElement).dataset.tiles ?? "",
  ]);
  const at = new Map<string, [number, number]>();
  for (const t of String(list).split(" ")) {
    const [key, xy] = t.split(":");
    const [x, y] = xy.split(",").map(Number);
    at.set(key, [x, y]);
  }
  return { size: Number(size), at };
}

/** The colour of the canvas at (x, y) CSS pixels. */
async function pixel(p: Page, x: number, y: number): Promise<number[]> {
  return p.$eval(
    VIEW,
    (c, [x, y]) => {
      const canvas = c as HTMLCanvasElement;
      const k = canvas.width / canvas.getBoundingClientRect().width;
      return Array.from(
        canvas.getContext("2d")!.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data,
      );
    },
    [x, y],
  );
}

const orange = (c: number[]) => c[0] > c[2] + 60;
const blue = (c: number[]) => c[2] > c[0] + 60;

test("a small network on 2-D data, unit by unit: maps as the plane, weights and values by hover and keys", {
  skip: missing ?? false,
  timeout: 240_000,
}, async () => {
  // the largest network the view draws: 6 hidden layers of 8 tanh units
  await page.goto(`${lab.server.url}?data=spiral&hidden=8x6&act=tanh&steps=4000&probe=20`);
  await ready(page);
  await page.waitForSelector(VIEW);
  assert.equal(await page.isHidden('[data-testid="lab"] .network-canvas'), true, "not the per-layer view");
  const run = await trainToEnd(page);
  await page.waitForTimeout(500);
  await page.screenshot({ path: artifactPath("lab-neuron-view.png"), fullPage: false });
  const gaps = run.gaps;
  const p95 = quantile(gaps, 0.95);
  const drawMs = Number(await page.getAttribute(VIEW, "data-draw-ms"));
  console.log(
    `# neuron view, 2-8x6-2 tanh on spiral, 4000 steps: ${gaps.length} frames in ${run.ms} ms, gap median ` +
      `${quantile(gaps, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...gaps).toFixed(1)} ms; ` +
      `median draw of the view ${drawMs} ms (Node canary: longest stall ${run.canaryMs.toFixed(0)} ms)`,
  );
  assert.ok(gaps.length > 10, "the page drew frames while training");
  // The view's own cost is what this test checks: its median draw (the view times its last 32
  // draws) takes at most half of a 33 ms frame. The frame gaps (printed above) also measure the
  // other test file the runner runs beside this one; the lab's frame-gap bar is e2e.test.ts's.
  assert.ok(drawMs <= 16, `the neuron view draws in ${drawMs} ms (median)`);

  // the maps: input 1 is x (orange on the left, blue on the right), input 2 is y (blue at the top)
  const { size, at } = await tiles(page);
  assert.equal(at.size, 2 + 6 * 8 + 2);
  const [x1, y1] = at.get("0.0")!;
  const [x2, y2] = at.get("0.1")!;
  const mid = size / 2;
  assert.ok(orange(await pixel(page, x1 + 2, y1 + mid)), "x < 0 on the left");
  assert.ok(blue(await pixel(page, x1 + size - 2, y1 + mid)), "x > 0 on the right");
  assert.ok(blue(await pixel(page, x2 + mid, y2 + 2)), "y > 0 at the top");
  assert.ok(orange(await pixel(page, x2 + mid, y2 + size - 2)), "y < 0 at the bottom");

  // hover: a tile gives its range, a line its weight
  const box = (await page.locator(VIEW).boundingBox())!;
  await page.mouse.move(box.x + x1 + mid, box.y + y1 + mid);
  const readout = '[data-testid="lab"] .neuron-readout';
  await page.waitForFunction(
    (sel) =>
      /^input 1: value over the plane from -[\d.]+ to [\d.]+\.$/.test(
        document.querySelector(sel)?.textContent ?? "",
      ),
    readout,
  );
  const [h0x, h0y] = at.get("1.0")!;
  await page.mouse.move(box.x + (x1 + size + h0x) / 2, box.y + (y1 + mid + h0y + mid) / 2);
  await page.waitForFunction(
    (sel) =>
      /^weight from input \d to layer 1 unit \d: -?[\d.e+-]+\.$/.test(
        document.querySelector(sel)?.textContent ?? "",
      ),
    readout,
  );
  await page.mouse.move(0, 0);

  // keyboard: the arrows move from the unit last shown (input 1), the readout names the unit and its weights
  await page.focus(VIEW);
  await page.keyboard.press("ArrowDown");
  assert.match((await page.textContent(readout)) ?? "", /^input 2: value over the plane/);
  await page.keyboard.press("ArrowRight");
  assert.match(
    (await page.textContent(readout)) ?? "",
    /^layer 1, unit 2: .*; weights in: -?[\d.e+-]+, -?[\d.e+-]+\.$/,
  );
  await page.keyboard.press("ArrowRight");
  const text = (await page.textContent(readout)) ?? "";
  assert.match(
    text,
    /^layer 2, unit 2: activation over the plane from -?[\d.]+ to -?[\d.]+; bias -?[\d.e+-]+; weights in: /,
  );
  assert.equal(text.split("weights in: ")[1].split(", ").length, 8, "one weight per unit of layer 1");
  const label = (await page.getAttribute(VIEW, "aria-label")) ?? "";
  assert.match(label, /^Network 2-8-8-8-8-8-8-2 unit by unit at step 4000 \(tanh\)\. RMS weight per layer: /);
});

test("a wider or deeper network, image data or a normalized network is drawn layer by layer", {
  skip: missing ?? false,
  timeout: 120_000,
}, async () => {
  // (residual blocks and normalized layers: a layer's cache is not what its units output)
  for (const q of [
    "data=xor&hidden=9,4",
    "data=xor&hidden=4x7",
    "data=xor",
    "data=xor&hidden=4x3&norm=layer",
  ]) {
    await page.goto(`${lab.server.url}?${q}`);
    await ready(page);
    await page.waitForSelector('[data-testid="lab"] .layer-table[data-step="0"]');
    assert.equal(await page.locator(VIEW).count(), 0, q);
    assert.equal(await page.isVisible('[data-testid="lab"] .network-canvas'), true, q);
  }
  await page.goto(`${lab.server.url}?data=xor&hidden=8x6`);
  await ready(page);
  await page.waitForSelector(VIEW);
});
