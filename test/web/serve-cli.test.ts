import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { ROOT } from "./browser.js";

// `initlab serve` / `initlab start` (what `npm start` runs): it prints where it listens, serves the
// app and the API, stops cleanly on SIGTERM; a taken port is a clear error; the text demo is still there.

test("initlab serve --port 0: prints the address, serves the app and the API, stops on SIGTERM", {
  timeout: 120_000,
}, async () => {
  execFileSync(process.execPath, [join(ROOT, "web", "build.mjs")], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const home = mkdtempSync(join(tmpdir(), "initlab-serve-"));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "test", "web", "cli-entry.ts"),
      "serve",
      "--port",
      "0",
      "--no-build",
      "--home",
      home,
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stderr.on("data", (c) => (err += c));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (c) => {
      out += c;
      const m = /initlab lab: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  try {
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /initlab/);
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    const runs = (await (await fetch(`${url}api/runs`)).json()) as { runs: unknown[] };
    assert.deepEqual(runs.runs, [], "an empty runs folder has no runs");
    assert.equal((await fetch(`${url}api/datasets/mnist?train=100000`)).status, 400);
  } finally {
    child.kill("SIGTERM");
  }
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 0, err);
});

test("a taken port is a clear error; start and demo are commands", async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const io = bufferIO();
    assert.equal(await run(["start", "--port", String(port)], io), 2);
    assert.match(io.err, new RegExp(`port ${port} is in use; pass --port N`));
  } finally {
    blocker.close();
  }
  const io = bufferIO();
  assert.equal(await run(["serve", "--port", "70000"], io), 2);
  const help = bufferIO();
  assert.equal(await run(["--help"], help), 0);
  assert.match(help.out, /start .*browser lab/);
  assert.match(help.out, /serve /);
  assert.match(help.out, /demo .*ReLU vs sigmoid/);
});

test("serve --host 0.0.0.0 is refused without --allow-remote (nothing is listened on)", async () => {
  for (const host of ["0.0.0.0", "::", "192.168.1.10"]) {
    const io = bufferIO();
    const code = await run(["serve", "--host", host, "--port", "0", "--no-build"], io);
    assert.equal(code, 2, io.err);
    assert.match(
      io.err,
      new RegExp(
        `--host ${host.replace(/\./g, "\\.")} would serve the lab and the run store to other machines; add --allow-remote`,
      ),
    );
  }
});

test("30 parallel data-set requests of different sizes: every one answered (or 503), the server stays under 1 GB", {
  timeout: 240_000,
}, async () => {
  const { readFileSync } = await import("node:fs");
  const home = mkdtempSync(join(tmpdir(), "initlab-serve-mem-"));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "test", "web", "cli-entry.ts"),
      "serve",
      "--port",
      "0",
      "--no-build",
      "--home",
      home,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let out = "";
  let err = "";
  child.stderr.on("data", (c) => (err += c));
  const peakMb = () => {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c) => {
        out += c;
        const m = /initlab lab: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
    });
    const sizes = Array.from({ length: 30 }, (_, i) => [60000 - i * 1500, 10000 - i * 200]);
    const answers = await Promise.all(
      sizes.map(async ([train, test]) => {
        const r = await fetch(`${url}api/datasets/mnist?train=${train}&test=${test}`);
        const body = new Uint8Array(await r.arrayBuffer());
        return { status: r.status, bytes: body.length, train, test };
      }),
    );
    for (const a of answers) {
      assert.ok(a.status === 200 || a.status === 503, `status ${a.status}`);
      if (a.status === 200) assert.equal(a.bytes, 32 + (a.train + a.test) * 785);
    }
    assert.ok(answers.filter((a) => a.status === 200).length >= 1);
    const peak = peakMb();
    assert.ok(peak < 1024, `peak resident ${peak.toFixed(0)} MB`);
    console.log(`# 30 parallel data-set requests: peak resident ${peak.toFixed(0)} MB (under load)`);
  } finally {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // gone
    }
  }
});
