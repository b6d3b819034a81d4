import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bufferIO } from "../../src/cli/io.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENTRY = join(ROOT, "test", "sweep", "cli-entry.ts");

/** The CLI in this process (src/cli/main.ts's run, loaded on first use). */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { run } = await import("../../src/cli/main.js");
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

/** The CLI from source in a child process; its stderr is collected in `log`. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): {
  child: ChildProcess;
  log: () => string;
  out: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let err = "";
  let out = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  child.stdout?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, log: () => err, out: () => out, exited };
}

/** Kills a spawned CLI's whole process group (it was started detached), if it is still running. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `check` every `ms` until it returns a value other than undefined/false, or throws after `timeout`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeout = 60_000,
  ms = 100,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, ms));
  }
}

/** RFC 4180 CSV (quoted fields with "" escapes, commas and newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) rows.push([...row, cell]);
  return rows;
}
