import assert from "node:assert/strict";
import { test } from "node:test";
import { runId } from "../../src/sweep/run-id.js";
import { parseSweepText } from "../../src/sweep/sweep-file.js";
import { planSweep } from "../../src/sweep/sweep-plan.js";
import { resolveConfig } from "../../src/train/config.js";

function problems(text: string, file = "grid.yaml"): string {
  try {
    planSweep(parseSweepText(text, file), { backend: "ts" });
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected an error");
}

test("typos and wrong types are errors naming the key and the allowed values", () => {
  const msg = problems(
    [
      "name: t",
      "base: {data: circle, preprocess: standardise, lr: fast, threads: 2}",
      "grid: {actvation: [relu], seed: [1, 2.5], hidden: [[8], '8x']}",
      "extra: 1",
    ].join("\n"),
  );
  assert.match(msg, /^grid\.yaml: invalid sweep file:/);
  assert.match(
    msg,
    /base\.preprocess: unknown value "standardise"; valid: raw, unit, symmetric, standardize/,
  );
  assert.match(msg, /base\.lr: expected a number > 0, got "fast"/);
  assert.match(msg, /base\.threads: unknown key: every sweep run uses one thread/);
  assert.match(
    msg,
    /grid\.actvation: unknown key \(did you mean activation\?\); valid keys: data, preprocess,/,
  );
  assert.match(msg, /grid\.seed\[1\]: expected an integer in 0\.\.4294967295, got 2\.5/);
  assert.match(
    msg,
    /grid\.hidden\[1\]: expected a list of positive integers or a string like "256,256" or "100x8", got "8x"/,
  );
  assert.match(msg, /extra: unknown key; valid keys: name, description, base, grid, runs/);
  assert.match(problems("name: 'has space'\nbase: {data: xor}"), /name: expected 1-100 letters/);
  assert.match(problems("name: e\ngrid: {seed: []}"), /grid\.seed: Too small/);
  assert.match(problems("name: e"), /the sweep has no runs/);
  assert.match(
    problems('{"name": "j", "base": {"epochs": "2"}}', "g.json"),
    /g\.json: invalid sweep file:\n {2}base\.epochs: expected an integer in 1\.\.1000000, got "2"/,
  );
  assert.match(problems("name: [unclosed", "bad.yaml"), /bad\.yaml: not valid YAML/);
});

test("names the schema cannot check are checked before anything runs", () => {
  const msg = problems(
    "name: t\nbase: {data: circle, hidden: [4, 4]}\ngrid: {init: [he_normal, he_nromal], activation: [relu, 'tanh,relu,relu']}",
  );
  assert.match(
    msg,
    /run init=he_nromal activation=relu: init: unknown initializer "he_nromal"; valid: .*he_normal/,
  );
  assert.match(
    msg,
    /activation=tanh,relu,relu: activation: 3 specs \(tanh, relu, relu\) for 2 hidden layers; give one, or one per layer/,
  );
  assert.match(
    problems("name: t\nbase: {data: mnits}"),
    /data: unknown data set "mnits"; valid: mnist, .*circle.*csv:PATH/,
  );
  assert.match(
    problems("name: t\nbase: {data: xor}\ngrid: {seed: [1]}\nruns: [{seed: 2}]"),
    /runs\[0\]\.seed is also a grid axis/,
  );
});

test("the grid is the product of its axes, first axis outermost, crossed with explicit runs", () => {
  const plan = planSweep(
    parseSweepText(
      [
        "name: p",
        "base: {data: xor, hidden: '8x2', epochs: 3, lr: 0.1}",
        "runs: [{optimizer: sgd}, {optimizer: adam, lr: 0.01}]",
        "grid: {init: [xavier_uniform, he_normal, lecun_normal], seed: [1, 2]}",
      ].join("\n"),
    ),
    { backend: "ts" },
  );
  assert.equal(plan.runs.length, 2 * 3 * 2);
  assert.deepEqual(plan.axisKeys, ["optimizer", "lr", "init", "seed"]);
  assert.deepEqual(
    plan.runs.slice(0, 3).map((r) => r.axes),
    [
      { optimizer: "sgd", init: "xavier_uniform", seed: 1 },
      { optimizer: "sgd", init: "xavier_uniform", seed: 2 },
      { optimizer: "sgd", init: "he_normal", seed: 1 },
    ],
  );
  const last = plan.runs[11];
  assert.deepEqual(last.axes, { optimizer: "adam", lr: 0.01, init: "lecun_normal", seed: 2 });
  // base <- point <- grid; everything else from the train defaults; one thread per run
  assert.deepEqual(
    last.config,
    resolveConfig({
      data: "xor",
      hidden: [8, 8],
      epochs: 3,
      optimizer: "adam",
      lr: 0.01,
      init: "lecun_normal",
      seed: 2,
      backend: "ts",
      threads: 1,
    }),
  );
  assert.equal(last.id, runId(last.config));
  assert.equal(new Set(plan.runs.map((r) => r.id)).size, 12);
});

test("equivalent sweep files give the same run ids; repeated grid points are dropped", () => {
  const ids = (text: string, file?: string) =>
    planSweep(parseSweepText(text, file), { backend: "ts" })
      .runs.map((r) => r.id)
      .sort();
  const a = ids("name: a\nbase: {data: circle, epochs: 2, hidden: [4, 4]}\ngrid: {seed: [1, 2], lr: [0.1]}");
  const b = ids(
    '{"grid": {"lr": [0.1], "seed": [2, 1]}, "base": {"hidden": "4,4", "epochs": 2, "data": "circle"}, "name": "b"}',
    "b.json",
  );
  const c = ids(
    "name: c\nbase: {data: circle, lr: 0.1, epochs: 2, hidden: 4x2, batchSize: 128}\nruns: [{seed: 1}, {seed: 2}]",
  );
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
  const dup = planSweep(parseSweepText("name: d\nbase: {data: xor}\ngrid: {seed: [1, 2, 1], lr: [0.05]}"), {
    backend: "ts",
  });
  assert.equal(dup.runs.length, 2);
  assert.equal(dup.duplicates, 1);
});
