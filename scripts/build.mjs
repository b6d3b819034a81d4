// Build everything `npm start` and `npm test` need: the TypeScript sources (tsc -> dist/)
// and, once they exist, the WebAssembly and native kernels and the browser app. Each step is skipped
// when its outputs are newer than its inputs.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function step(name, inputs, output, run) {
  const inT = Math.max(
    ...inputs.map((p) => (existsSync(p) ? (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs) : 0)),
  );
  const outT = existsSync(output)
    ? statSync(output).isDirectory()
      ? newest(output)
      : statSync(output).mtimeMs
    : 0;
  if (outT > inT && !process.argv.includes("--force")) return;
  process.stderr.write(`build: ${name}\n`);
  run();
}

const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

if (existsSync(join(root, "asc", "build.mjs"))) {
  sh(process.execPath, [join(root, "asc", "build.mjs")]);
}
// The native addon (built by npm install; rebuilt here when its C sources changed since, e.g. after
// a merge: a stale addon would run old kernels). It skips itself when up to date and never fails.
if (existsSync(join(root, "native", "build.mjs"))) {
  sh(process.execPath, [join(root, "native", "build.mjs")]);
}
step(
  "typescript",
  [join(root, "src"), join(root, "tsconfig.json"), join(root, "tsconfig.build.json")],
  join(root, "dist", "src"),
  () => {
    // A fresh output: a source that was moved or deleted leaves no stale module behind.
    rmSync(join(root, "dist", "src"), { recursive: true, force: true });
    sh(bin("tsc"), ["-p", "tsconfig.build.json"]);
  },
);
if (existsSync(join(root, "web", "build.mjs"))) {
  sh(process.execPath, [join(root, "web", "build.mjs")]);
}
