import assert from "node:assert/strict";
import { test } from "node:test";
import { cli } from "./helpers.js";

test("initlab demo prints a table with separated columns, the test loss and accuracy, and readable labels", async () => {
  const text = await cli("demo", "--steps", "3", "--seed", "2");
  assert.equal(text.code, 0, text.err);
  const json = await cli("demo", "--steps", "3", "--seed", "2", "--json");
  const runs = JSON.parse(json.out).runs;
  const lines = text.out.split("\n");
  const h = lines.findIndex((l) => l.startsWith("input"));
  assert.ok(h >= 0, text.out);
  // columns are separated by at least two spaces, so every row splits into the same 6 cells
  const header = lines[h].split(/ {2,}/);
  assert.deepEqual(header, ["input", "activation", "first loss", "test loss", "test accuracy", "verdict"]);
  const rows = lines.slice(h + 2, h + 6).map((l) => l.split(/ {2,}/));
  assert.equal(rows.length, 4);
  rows.forEach((cells, i) => {
    assert.equal(cells.length, 6, lines[h + 2 + i]);
    assert.match(cells[0], /^(raw pixels \(0\.\.255\)|standardized pixels)$/);
    // "test loss" is the evaluation's test loss, not the run's mean batch loss
    assert.equal(Number(cells[3]), Number(runs[i].final.testLoss.toFixed(3)), `row ${i}`);
    assert.equal(cells[4], `${(100 * runs[i].final.testAccuracy).toFixed(1)}%`);
    // each number cell holds one number (no two values run together)
    assert.ok(Number.isFinite(Number(cells[2])) && Number.isFinite(Number(cells[3])), lines[h + 2 + i]);
  });
  assert.doesNotMatch(text.out + text.err, /standardize pixels/);
  assert.match(text.err, /standardized pixels/);
});
