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

/** The API token the served page carries. */
function pageToken(html: string): string {
  const m = /<meta name="initlab-api-token" content="([A-Za-z0-9._~-]+)"/.exec(html);
  assert.ok(m, "the served page carries the API token");
  return m[1];
}

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
      // a fixed token for scripts; the served page carries it
      env: { ...process.env, INITLAB_API_TOKEN: "script-token-0123456789" },
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
    const html = await page.text();
    assert.match(html, /initlab/);
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    const headers = { "x-initlab-token": pageToken(html) };
    assert.equal(headers["x-initlab-token"], "script-token-0123456789", "INITLAB_API_TOKEN");
    assert.equal((await fetch(`${url}api/runs`)).status, 403, "no token, no API");
    const runs = (await (await fetch(`${url}api/runs`, { headers })).json()) as { runs: unknown[] };
    assert.deepEqual(runs.runs, [], "an empty runs folder has no runs");
    assert.equal((await fetch(`${url}api/datasets/mnist?train=100000`, { headers })).status, 400);
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
  const mem = bufferIO();
  assert.equal(await run(["serve", "--memory-limit", "lots", "--port", "0", "--no-build"], mem), 2);
  assert.match(mem.err, /--memory-limit: "lots" is not a size/);
  process.env.INITLAB_API_TOKEN = "short";
  try {
    const tok = bufferIO();
    assert.equal(await run(["serve", "--port", "0", "--no-build"], tok), 2);
    assert.match(tok.err, /INITLAB_API_TOKEN: expected 16 to 200 characters/);
  } finally {
    delete process.env.INITLAB_API_TOKEN;
  }
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

test("6 and then 30 parallel data-set requests of different sizes: every one answered (or 503), the server under 450 MB and 1 GB resident", {
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
  const killGroup = () => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // gone
    }
  };
  // the whole process group goes even if this test times out
  const guard = setTimeout(killGroup, 230_000);
  let out = "";
  let err = "";
  child.stderr.on("data", (c) => (err += c));
  /** The server's peak resident set so far (VmHWM), in MB. */
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
    const headers = { "x-initlab-token": pageToken(await (await fetch(url)).text()) };
    /** Parallel requests of the given sizes; bodies counted as they stream (this process keeps none). */
    const burst = (sizes: number[][]) =>
      Promise.all(
        sizes.map(async ([train, test]) => {
          const r = await fetch(`${url}api/datasets/mnist?train=${train}&test=${test}`, { headers });
          let bytes = 0;
          let first: Uint8Array | null = null;
          for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
            first ??= chunk;
            bytes += chunk.length;
          }
          return { status: r.status, bytes, first, train, test };
        }),
      );
    const check = (answers: Awaited<ReturnType<typeof burst>>) => {
      for (const a of answers) {
        assert.ok(a.status === 200 || a.status === 503, `status ${a.status}`);
        if (a.status !== 200) continue;
        assert.equal(a.bytes, 32 + (a.train + a.test) * 785);
        const h = new DataView((a.first as Uint8Array).buffer, (a.first as Uint8Array).byteOffset);
        assert.deepEqual(
          [h.getUint32(8, true), h.getUint32(12, true)],
          [a.train, a.test],
          "the header's sizes",
        );
      }
      assert.ok(answers.filter((a) => a.status === 200).length >= 1);
    };
    check(await burst(Array.from({ length: 6 }, (_, i) => [60000 - i * 7000, 10000 - i * 1000])));
    const peak6 = peakMb();
    check(await burst(Array.from({ length: 30 }, (_, i) => [60000 - i * 1500 - 1, 10000 - i * 200 - 1])));
    const peak30 = peakMb();
    console.log(
      `# parallel data-set requests: peak resident ${peak6.toFixed(0)} MB after 6, ${peak30.toFixed(0)} MB after 30 (under load)`,
    );
    assert.ok(peak6 < 450, `6 parallel: peak resident ${peak6.toFixed(0)} MB`);
    assert.ok(peak30 < 1024, `30 parallel: peak resident ${peak30.toFixed(0)} MB`);
  } finally {
    clearTimeout(guard);
    killGroup();
  }
});
