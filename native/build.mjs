// Builds the native kernels (native/*.c -> native/build/Release/initlab_kernels.node)
// with node-gyp, offline, against the headers of the Node that runs this script. Never fails:
// when the build is impossible (no compiler, no headers, not x86-64...) it prints one line and
// exits 0, and initlab uses the WebAssembly backend instead. Skipped when the addon is newer than
// its sources; `--force` rebuilds. The compiler's output goes to native/build.log.
// Usage: node native/build.mjs [--force]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, "build", "Release", "initlab_kernels.node");
const sources = readdirSync(here)
  .filter((f) => /\.(c|h|gyp|mjs)$/.test(f))
  .map((f) => join(here, f));
const log = join(here, "build.log");

function skip(reason) {
  console.log(`initlab: native kernels not built (${reason}); the WebAssembly backend will be used`);
  process.exit(0);
}

if (!process.argv.includes("--force") && existsSync(output)) {
  const newest = Math.max(...sources.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  if (statSync(output).mtimeMs > newest) process.exit(0);
}
if (process.env.INITLAB_SKIP_NATIVE) skip("INITLAB_SKIP_NATIVE is set");

/** node-gyp: the one npm runs scripts with, else npm's bundled copy, else a local install. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed locally
  }
  return candidates.find((p) => p && existsSync(p));
}

/** A directory with include/node/node_api.h for this Node (no download: the build is offline). */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), "..")];
  return candidates.find((d) => d && existsSync(join(d, "include", "node", "node_api.h")));
}

const gyp = findNodeGyp();
if (!gyp) skip("node-gyp not found");
const nodedir = findNodeDir();
if (!nodedir) skip(`Node headers not found (looked for include/node/node_api.h next to ${process.execPath})`);

const r = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`, "--release"], {
  cwd: here,
  encoding: "utf8",
  env: { ...process.env, npm_config_offline: "true" },
});
try {
  mkdirSync(here, { recursive: true });
  writeFileSync(log, `${r.stdout ?? ""}\n${r.stderr ?? ""}\n${r.error ? String(r.error) : ""}\n`);
} catch {
  // a read-only checkout: no log
}
if (r.status !== 0 || !existsSync(output)) skip(`node-gyp failed, see ${log}`);
