// The one slow test of the package (~30-60 s under load): `npm pack` gives a tarball that
// installs into an empty project, and the README's first library example (xavier_uniform
// 256x784, calculateGain("leaky_relu", 0.2), the tanh critical sigma_w^2 at sigma_b^2 = 0.05,
// the doctor on a small network) runs from it in Node and, with the same imports, in Chromium
// from a static page. Offline: `npm install TGZ --offline` needs every dependency in npm's cache
// (true after `npm ci` on a CI machine); where the cache lacks them the test unpacks the tarball
// into node_modules/initlab and links the dependencies from this checkout instead, and says so.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { after, test } from "node:test";
import { browserMissing, launchBrowser, ROOT } from "../web/browser.js";
import { sectionBlocks } from "./readme-blocks.js";

const work = mkdtempSync(join(tmpdir(), "initlab-pack-"));
after(() => rmSync(work, { recursive: true, force: true }));
const app = join(work, "app");
const example = sectionBlocks(readFileSync(join(ROOT, "README.md"), "utf8"), "Use as a library")[0];

function checkOutput(out: string): void {
  assert.match(out, /xavier_uniform 256x784: Var\(W\) = 0\.00\d+ exact 0\.001923/);
  assert.match(out, /calculateGain\(leaky_relu, 0\.2\) = 1\.38675049056307/);
  assert.match(out, /tanh critical sigma_w\^2 at sigma_b\^2 = 0\.05: 1\.761/);
  assert.match(out, /doctor: signal vanishes/);
}

test("npm pack: the tarball installs into an empty project and the library example runs in Node", {
  timeout: 600_000,
}, (t) => {
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work], {
    cwd: ROOT,
    stdio: "ignore",
  });
  const tgz = join(
    work,
    `initlab-${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}.tgz`,
  );
  assert.ok(existsSync(tgz));
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "app", version: "1.0.0", type: "module", private: true }),
  );
  const install = spawnSync(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--foreground-scripts", tgz],
    {
      cwd: app,
      encoding: "utf8",
      timeout: 300_000,
      env: { ...process.env, INITLAB_SKIP_NATIVE: "1" },
    },
  );
  if (install.status !== 0) {
    assert.match(install.stderr, /ENOTCACHED|only-if-cached/, install.stderr);
    t.diagnostic(
      "npm's cache lacks the dependencies (no `npm ci` on this machine): tarball unpacked, dependencies linked",
    );
    const pkgDir = join(app, "node_modules", "initlab");
    mkdirSync(pkgDir, { recursive: true });
    execFileSync("tar", ["xzf", tgz, "-C", pkgDir, "--strip-components=1"]);
    const deps = Object.keys(JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).dependencies);
    for (const d of deps) {
      const to = join(app, "node_modules", d);
      mkdirSync(join(to, ".."), { recursive: true });
      symlinkSync(join(ROOT, "node_modules", d), to, "dir");
    }
  } else {
    // The install script skipped the native build (INITLAB_SKIP_NATIVE) with its one-line note.
    t.diagnostic(install.stdout.split("\n").find((l) => l.includes("native kernels")) ?? "installed");
  }
  // What the tarball holds: compiled entries and declarations, the prebuilt wasm, no tests.
  const pkgDir = join(app, "node_modules", "initlab");
  for (const f of [
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/node.js",
    "dist/src/tfjs.js",
    "build/wasm/kernels.wasm",
    "bin/initlab.js",
  ]) {
    assert.ok(existsSync(join(pkgDir, f)), `the tarball lacks ${f}`);
  }
  assert.ok(!existsSync(join(pkgDir, "test")), "tests are not shipped");
  writeFileSync(join(app, "example.mjs"), example);
  const r = spawnSync(process.execPath, ["example.mjs"], {
    cwd: app,
    encoding: "utf8",
    timeout: 120_000,
    killSignal: "SIGKILL",
  });
  assert.equal(r.status, 0, r.stderr);
  checkOutput(r.stdout);
});

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".html": "text/html",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

test("the same imports run in Chromium from a static page (import map to the installed package)", {
  timeout: 300_000,
}, async (t) => {
  const missing = browserMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  assert.ok(
    existsSync(join(app, "node_modules", "initlab", "dist", "src", "index.js")),
    "the Node test installs the package first",
  );
  const page = `<!doctype html><meta charset="utf-8"><title>initlab</title>
<script type="importmap">{"imports": {"initlab": "/node_modules/initlab/dist/src/index.js", "zod": "/node_modules/zod/index.js"}}</script>
<script type="module">
const lines = [];
const log = console.log;
console.log = (...a) => { lines.push(a.join(" ")); log(...a); };
try {
  await import("/example.mjs");
  window.__result = { ok: true, out: lines.join("\\n") };
} catch (e) {
  window.__result = { ok: false, out: String(e && e.stack || e) };
}
</script>`;
  writeFileSync(join(app, "index.html"), page);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0])).replace(/^(\.\.[/\\])+/, "");
    const file = join(app, path === "/" ? "index.html" : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as { port: number }).port;
  const browser = await launchBrowser();
  try {
    const tab = await browser.context.newPage();
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab.waitForFunction(
      () => (window as unknown as { __result?: unknown }).__result !== undefined,
      null,
      { timeout: 120_000 },
    );
    const result = await tab.evaluate(
      () => (window as unknown as { __result: { ok: boolean; out: string } }).__result,
    );
    assert.ok(result.ok, result.out);
    checkOutput(result.out);
  } finally {
    await browser.close();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});
