import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeExperimentReport } from "../../src/report/write-report.js";
import { fixtureReport } from "./fixture.js";

// Opens a report in headless Chromium through scripts/screenshot-report.mjs: every chart must
// render (an <svg> with a drawing box and drawn elements), no page error, no request leaving the
// file system, and a screenshot PNG. Skipped where Chromium is not installed.
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "initlab-browser-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a report renders all its charts in headless Chromium", {
  skip: !existsSync(chromium) && `no Chromium at ${chromium}`,
}, () => {
  const report = fixtureReport();
  const page = writeExperimentReport(dir, report, { png: false });
  const shot = join(dir, "shot.png");
  const r = spawnSync(process.execPath, ["scripts/screenshot-report.mjs", page, shot, "--json"], {
    encoding: "utf8",
    timeout: 60000,
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.charts.length, report.result.charts.length);
  assert.deepEqual(doc.badCharts, []);
  assert.deepEqual(doc.errors, []);
  assert.deepEqual(doc.externalRequests, []);
  assert.equal(doc.verdict, "Confirmed");
  for (const c of doc.charts) {
    // Charts are drawn at 760 px wide in a page of max-width 1080 px.
    assert.ok(c.width > 600 && c.height > 300, `${c.id}: ${c.width}x${c.height}`);
  }
  const png = readFileSync(shot);
  assert.deepEqual([...png.subarray(0, 4)], [137, 80, 78, 71]);
});
