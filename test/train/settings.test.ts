import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { parseSweepText } from "../../src/sweep/sweep-file.js";
import { planSweep } from "../../src/sweep/sweep-plan.js";
import { ConfigError, resolveConfig, resolveConfigParsed } from "../../src/train/config.js";
import { optionsMarkdown } from "../../src/train/options-doc.js";
import { kindProblem, parseSizesText, sizesText } from "../../src/train/setting-kinds.js";
import { flagOf, SETTING_KEYS, settingOf, TRAIN_DEFAULTS } from "../../src/train/settings.js";
import { FIELDS, parseUrl } from "../../web/src/state.js";
import { toCliArgs, toTrainConfig } from "../../web/src/state-config.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The message every surface must give for the misspelt initializer (from the library). */
function libraryMessage(partial: Record<string, unknown>): string {
  try {
    resolveConfig(partial);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.problems.length, 1, e.message);
    return e.problems[0];
  }
  assert.fail("resolveConfig accepted a bad spec");
}

test("a bad spec gets the same message from the library, the CLI, a sweep file and a lab link", async () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ["init", "he_nromal", { init: "he_nromal" }],
    ["activation", "sigmiod", { activation: "sigmiod" }],
    ["init", "kaiming_normal(mode=fan_sideways)", { init: "kaiming_normal(mode=fan_sideways)" }],
  ];
  for (const [key, spec, partial] of cases) {
    const expected = libraryMessage({ ...partial, data: "circle" });
    assert.match(expected, new RegExp(`^${key}: `));

    // CLI: before any data is read (the CSV file does not exist: loading it would fail differently)
    const cli = bufferIO();
    const flag = key === "init" ? "--init" : "--activation";
    const code = await run(["train", "--data", "csv:/nonexistent/initlab.csv", flag, spec], cli);
    assert.equal(code, 2);
    assert.ok(cli.err.includes(expected), `CLI said: ${cli.err}`);
    assert.doesNotMatch(cli.err, /nonexistent/);

    // sweep file
    let sweepMessage = "";
    try {
      planSweep(parseSweepText(`name: s\nbase: {data: circle, ${key}: "${spec}"}`, "s.yaml"), {
        backend: "ts",
      });
    } catch (e) {
      sweepMessage = (e as Error).message;
    }
    assert.ok(sweepMessage.includes(expected), `sweep said: ${sweepMessage}`);

    // lab link
    const url = FIELDS.find((f) => f.setting === key)?.url;
    const lab = parseUrl(`?${url}=${encodeURIComponent(spec)}`);
    assert.ok(
      lab.problems.some((p) => p.startsWith(expected)),
      `lab said: ${lab.problems.join(" | ")}`,
    );
  }
});

test("a wrong per-layer count and a bad value are caught before the data set loads", async () => {
  const cli = bufferIO();
  const code = await run(
    ["train", "--data", "csv:/nonexistent/initlab.csv", "--hidden", "8,8", "--activation", "relu,tanh,relu"],
    cli,
  );
  assert.equal(code, 2);
  assert.match(cli.err, /activation: 3 specs \(relu, tanh, relu\) for 2 hidden layers/);
  const lr = bufferIO();
  assert.equal(await run(["train", "--data", "csv:/nonexistent/initlab.csv", "--lr", "-1"], lr), 2);
  assert.match(lr.err, /--lr: expected a number > 0, got -1/);
  const epochs = bufferIO();
  assert.equal(await run(["train", "--data", "circle", "--epochs", "1e12"], epochs), 2);
  assert.match(epochs.err, /--epochs: expected an integer in 1\.\.1000000, got 1000000000000/);
});

test("resolveConfigParsed returns the parsed specs, one per layer", () => {
  const { config, parsed } = resolveConfigParsed({
    hidden: [4, 4, 4],
    activation: "relu,tanh,relu",
    init: "he_normal",
  });
  assert.deepEqual(
    parsed.activations.map((a) => a.name),
    ["relu", "tanh", "relu"],
  );
  assert.equal(parsed.inits.length, 4);
  assert.equal(config.activation, "relu,tanh,relu");
  assert.doesNotThrow(() => JSON.stringify(config), "the config stays plain data");
});

test("the table is consistent: defaults valid, flags and lab keys unique, every rule can fail", () => {
  const flags = new Set<string>();
  const urls = new Set<string>();
  for (const k of SETTING_KEYS) {
    const s = settingOf(k);
    assert.ok(s.doc.length > 3, `${k} has a doc`);
    assert.equal(kindProblem(s.kind, TRAIN_DEFAULTS[k], s.nullable), null, `${k}'s default is valid`);
    // a value of the wrong type always fails: no rule accepts everything
    assert.notEqual(kindProblem(s.kind, { not: "a value" }, s.nullable), null, `${k} rejects an object`);
    const f = flagOf(k);
    if (f) {
      assert.ok(!flags.has(f), `flag ${f} is unique`);
      flags.add(f);
    }
    if (s.lab) {
      assert.ok(!urls.has(s.lab.url), `lab key ${s.lab.url} is unique`);
      urls.add(s.lab.url);
    }
  }
  // the lab's fields use the table's URL keys and stay within the table's ranges
  for (const f of FIELDS) {
    if (!f.setting) continue;
    const s = settingOf(f.setting);
    assert.equal(f.url, s.lab?.url);
    if (f.kind.type === "int" || f.kind.type === "number") {
      assert.equal(
        kindProblem(s.kind, f.kind.max, s.nullable),
        null,
        `${f.key}: lab max inside the table's range`,
      );
    }
  }
});

test("docs/options.md is generated from the table", () => {
  const doc = readFileSync(join(ROOT, "docs", "options.md"), "utf8");
  assert.equal(doc, optionsMarkdown(), "run npm run docs:options");
  for (const k of SETTING_KEYS) assert.ok(doc.includes(`| \`${k}\` |`), k);
});

test("hidden sizes: text form round-trips, malformed text is refused", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 30 }), (sizes) => {
      assert.deepEqual(parseSizesText(sizesText(sizes)), sizes);
    }),
  );
  for (const bad of ["8x", "x8", "-1", "4,,4", "1.5", "8x0", "0", "4 4"])
    assert.equal(parseSizesText(bad), null, bad);
  assert.equal(parseSizesText("10x2000"), null, "more layers than the limit");
});

test("a setting declared once reaches the CLI, sweep files, the lab's links and the trainer", async () => {
  // warmupSteps is one entry of the table (plus its implementation in src/optim/schedule.ts)
  const help = bufferIO();
  await run(["train", "--help"], help).catch(() => 0);
  assert.match(help.out, /--warmup-steps <n>\s+linear learning-rate warm-up/);
  const plan = planSweep(
    parseSweepText("name: w\nbase: {data: circle}\ngrid: {warmupSteps: [0, 5]}", "w.yaml"),
    {
      backend: "ts",
    },
  );
  assert.deepEqual(
    plan.runs.map((r) => r.config.warmupSteps),
    [0, 5],
  );
  const lab = parseUrl("?warmup=50");
  assert.deepEqual(lab.problems, []);
  assert.equal(lab.a.warmupSteps, 50);
  assert.equal(toTrainConfig(lab.a).warmupSteps, 50);
  assert.ok(toCliArgs(lab.a).join(" ").includes("--warmup-steps 50"));
  // the trainer uses it: the first step's recorded rate is lr / warmupSteps
  const cli = bufferIO();
  const args = [
    "train",
    "--data",
    "circle",
    "--hidden",
    "4",
    "--backend",
    "ts",
    "--max-steps",
    "1",
    "--json",
    "--quiet",
  ];
  assert.equal(await run([...args, "--lr", "0.4", "--warmup-steps", "4"], cli), 0, cli.err);
  assert.equal(JSON.parse(cli.out).lossCurve[0].lr, 0.1);
});
