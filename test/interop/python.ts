import { spawn, spawnSync } from "node:child_process";

/** Debian's Python with PyTorch and NumPy (the house's reference for numerics). */
export const PYTHON = "/usr/bin/python3";

const env = { ...process.env };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;

let torchReason: string | null | undefined;

/** null when `import torch, numpy` works in PYTHON, otherwise why not (the skip message). */
export function torchMissing(): string | null {
  if (torchReason !== undefined) return torchReason;
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy"], { env, encoding: "utf8", timeout: 60_000 });
  torchReason =
    r.status === 0
      ? null
      : `PyTorch is not importable by ${PYTHON} (${(r.stderr || r.error?.message || "").trim().split("\n").pop()}): install Debian's python3-torch`;
  return torchReason;
}

/**
 * Runs a Python script (text) with arguments; resolves with stdout, rejects with stderr on a
 * non-zero exit. On timeout the whole process group is killed.
 */
export function runPython(script: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, ["-c", script, ...args], { env, detached: true });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      reject(new Error(`python timed out after ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`python exited with ${code}\n${err}`));
    });
  });
}
