// Builds the browser lab into web/dist with Vite, after type-checking web/src (and the src/
// modules it imports). Skipped when web/dist is newer than every input (web sources, the src/
// modules they bundle, the wasm kernels, the lock file); `--force` rebuilds anyway, `--no-check`
// skips the type check.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(fileURLToPath(import.meta.url));
const root = join(web, "..");
const dist = join(web, "dist");

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const e of readdirSync(p)) t = Math.max(t, newest(join(p, e)));
  return t;
}

const inputs = [
  join(web, "src"),
  join(web, "index.html"),
  join(web, "notes.html"),
  join(root, "docs", "notes"),
  join(web, "vite.config.ts"),
  join(web, "tsconfig.json"),
  join(web, "build.mjs"),
  join(root, "src"),
  join(root, "build", "wasm"),
  join(root, "package-lock.json"),
];
const force = process.argv.includes("--force");
if (!force && existsSync(join(dist, "index.html")) && newest(dist) > Math.max(...inputs.map(newest))) process.exit(0);

process.stderr.write("build: browser lab (web/dist)\n");
const bin = (name) => join(root, "node_modules", ".bin", name);
if (!process.argv.includes("--no-check")) {
  execFileSync(bin("tsc"), ["--noEmit", "-p", join(web, "tsconfig.json")], { cwd: root, stdio: "inherit" });
}
execFileSync(bin("vite"), ["build", "--config", join(web, "vite.config.ts")], { cwd: root, stdio: "inherit" });
