import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openRunStore } from "../../src/store/index.js";
import { resolveConfig } from "../../src/train/config.js";

// `initlab info | head -1`: when the reader of stdout (or stderr) goes away early, the CLI ends
// quietly with exit code 0, like a Unix tool killed by SIGPIPE, instead of dying of an unhandled
// EPIPE 'error' event with a stack trace. This spawns the built CLI (bin/initlab.js, dist/; `npm test`
// builds it first) with its output on a pipe that this process closes.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "initlab.js");
const home = mkdtempSync(join(tmpdir(), "initlab-pipe-"));
after(() => rmSync(home, { recursive: true, force: true }));

before(() => {
  const src = statSync(join(ROOT, "src", "cli", "io.ts")).mtimeMs;
  let built = 0;
  try {
    built = statSync(join(ROOT, "dist", "src", "cli", "io.js")).mtimeMs;
  } catch {}
  assert.ok(built >= src, "dist/ is missing or older than src/cli/io.ts: run `npm run build` first");
  // 500 stored runs: `runs list --json` prints about 0.5 MB, more than a pipe or socket buffer
  // holds, so the CLI is still writing when the reader closes after the first chunk.
  const store = openRunStore(home);
  try {
    for (let seed = 1; seed <= 500; seed++)
      store.putRun({ id: `run-${seed}`, status: "failed", error: "-", config: resolveConfig({ seed }) });
  } finally {
    store.close();
  }
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the CLI wrote on the stream that stayed open. */
  other: string;
  /** Bytes the closing reader got before it closed. */
  got: number;
}

/**
 * Runs the CLI with `stream` on a pipe whose reader closes after its first chunk, or, with
 * `at: "start"`, right away (before the CLI has written anything, so its first write fails for sure).
 */
function closeEarly(
  args: string[],
  stream: "stdout" | "stderr",
  at: "first chunk" | "start",
): Promise<Ended> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const closing = stream === "stdout" ? child.stdout : child.stderr;
  const open = stream === "stdout" ? child.stderr : child.stdout;
  let other = "";
  let got = 0;
  open.on("data", (d) => {
    other += d;
  });
  if (at === "start") closing.destroy();
  else
    closing.once("data", (d: Buffer) => {
      got = d.length;
      closing.destroy();
    });
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, other, got })));
}

function assertQuiet(r: Ended, what: string) {
  assert.doesNotMatch(r.other, /EPIPE|Error|\n\s+at /, `${what}: no error and no stack trace`);
  assert.deepEqual([r.code, r.signal], [0, null], `${what}: exit code 0\n${r.other}`);
}

test("stdout reader gone before the first write: info, runs list, gain --json end quietly with 0", async () => {
  for (const args of [["info"], ["runs", "list", "--home", home], ["gain", "tanh", "--json"]]) {
    assertQuiet(await closeEarly(args, "stdout", "start"), args.join(" "));
  }
});

test("stdout reader closes after the first chunk of a long output (initlab runs list --json | head -c 10)", async () => {
  const r = await closeEarly(["runs", "list", "--home", home, "--json"], "stdout", "first chunk");
  assert.ok(r.got > 0 && r.got < 400_000, `${r.got} bytes read before closing`);
  assertQuiet(r, "runs list --json");
});

test("stderr reader gone: a command writing progress on stderr ends with 0, without a crash", async () => {
  // Nothing on stdout: its only output is the progress on stderr, whose first write fails.
  const r = await closeEarly(
    ["train", "--data", "circle", "--hidden", "4", "--epochs", "1", "--backend", "ts"],
    "stderr",
    "start",
  );
  assertQuiet(r, "train");
});
