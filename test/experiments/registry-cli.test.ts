import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { check, checkFact, verdict } from "../../src/experiments/harness/verdict.js";
import { EXPERIMENT_NAMES, getExperiment, selectExperiments } from "../../src/experiments/registry.js";
import { fmt } from "../../src/report/format.js";

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

test("experiment list --json: the twelve experiments of the issue, in order, each with claim, source, rule and sizes", async () => {
  const r = await cli("experiment", "list", "--json");
  assert.equal(r.code, 0, r.err);
  const list = JSON.parse(r.out);
  assert.deepEqual(list.map((e: { name: string }) => e.name).slice(0, 12), [
    "raw-pixels",
    "vanishing-depth",
    "exploding",
    "dying-relu",
    "moments",
    "variance-flow",
    "init-zoo",
    "glorot2010",
    "he2015-depth",
    "saxe-orthogonal",
    "lsuv",
    "edge-of-chaos",
  ]);
  // The twelve first; later issues' experiments follow, each with its own order.
  const orders = list.map((e: { order: number }) => e.order);
  assert.deepEqual(
    orders.slice(0, 12),
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  assert.ok(
    orders.every((o: number, i: number) => i === 0 || o > orders[i - 1]),
    orders.join(","),
  );
  for (const name of [
    "mup-transfer",
    "lazy-training",
    "dynamical-isometry",
    "residual-depth",
    "batchnorm-depth",
  ])
    assert.ok(
      list.some((e: { name: string }) => e.name === name),
      name,
    );
  for (const e of list) {
    for (const key of ["title", "claim", "source", "method", "rule"])
      assert.ok(e[key].length > 10, `${e.name}.${key}`);
    assert.ok(e.sizes.quick && e.sizes.full, e.name);
    // Each experiment's seed counts: at least 3 quick and 5 full (more where its power rule asks).
    assert.ok(e.seeds.quick >= 3 && e.seeds.full >= 5, `${e.name}: ${JSON.stringify(e.seeds)}`);
  }
  const count = (name: string) => list.find((e: { name: string }) => e.name === name).seeds.quick;
  assert.deepEqual(
    ["raw-pixels", "glorot2010", "init-zoo", "saxe-orthogonal", "mup-transfer", "moments"].map(count),
    [7, 8, 23, 26, 6, 3],
  );
});

test("an unknown experiment is a UserError naming it and listing the valid names (exit code 2)", async () => {
  const r = await cli("experiment", "run", "vanishing-dept", "--quick");
  assert.equal(r.code, 2);
  assert.equal(r.out, "");
  assert.match(
    r.err,
    /unknown experiment "vanishing-dept"; valid: raw-pixels, vanishing-depth, .*edge-of-chaos, .*, or "all"/,
  );
  const s = await cli("experiment", "run", "moments", "--seed", "-3");
  assert.equal(s.code, 2);
  assert.match(s.err, /--seed: expected an integer >= 0, got "-3"/);
  // A seed count beyond the limit is refused at once (it would queue that many full runs).
  const many = await cli("experiment", "run", "moments", "--quick", "--seeds", "2000000");
  assert.equal(many.code, 2);
  assert.match(many.err, /--seeds: expected an integer >= 1 and <= 1000, got "2000000"/);
  assert.equal(many.out, "");
  assert.throws(() => getExperiment("nope"), /valid:/);
  assert.deepEqual(
    selectExperiments("moments,exploding").map((e) => e.name),
    ["moments", "exploding"],
  );
  assert.equal(selectExperiments("all").length, EXPERIMENT_NAMES.length);
});

test("verdict rules: a check passes only on a finite measurement that satisfies it; a verdict is the AND", () => {
  assert.equal(check("x", 0.2, "<", 0.3).pass, true);
  assert.equal(check("x", 0.3, "<", 0.3).pass, false);
  assert.equal(check("x", 0.3, "<=", 0.3).pass, true);
  assert.equal(check("x", null, "<", 0.3).pass, false);
  assert.equal(check("x", Number.NaN, ">", 0).pass, false);
  // +Infinity (a criterion never reached) is a measured value and is compared.
  assert.equal(check("x", Number.POSITIVE_INFINITY, ">", 0).pass, true);
  assert.equal(check("x", Number.POSITIVE_INFINITY, "<", 2).pass, false);
  assert.equal(checkFact("diverged", true).pass, true);
  assert.equal(checkFact("diverged", false).pass, false);
  assert.equal(verdict([check("a", 1, ">", 0), check("b", 1, ">", 2)], "").confirmed, false);
  assert.equal(verdict([], "").confirmed, false, "no check, no confirmation");
  assert.equal(fmt(123456), "123,456");
  assert.equal(fmt(0.000123), "1.230e-4");
  assert.equal(fmt(Number.NaN), "NaN");
});

test("experiment run moments --quick --json writes a report and prints one JSON document", async () => {
  const { mkdtempSync, rmSync, existsSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "initlab-exp-"));
  try {
    const r = await cli(
      "experiment",
      "run",
      "moments",
      "--quick",
      "--seed",
      "3",
      "--out",
      dir,
      "--json",
      "--no-png",
      "--backend",
      "ts",
    );
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.experiments.length, 1);
    assert.equal(doc.experiments[0].name, "moments");
    assert.equal(doc.experiments[0].seed, 3);
    assert.equal(doc.experiments[0].confirmed, true);
    assert.equal(doc.experiments[0].verdict, "confirmed");
    assert.equal(doc.experiments[0].seeds.length, 3, "quick size: 3 seeds by default");
    assert.equal(doc.experiments[0].seeds[0], 3, "the first seed is --seed");
    for (const c of doc.experiments[0].checks) {
      assert.equal(c.perSeed.length, 3);
      if (c.op !== "is") assert.ok(c.interval.low <= c.measured && c.measured <= c.interval.high, c.label);
    }
    assert.ok(existsSync(join(dir, "moments", "index.html")));
    assert.equal(existsSync(join(dir, "index.html")), false, "no index for a single experiment");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
