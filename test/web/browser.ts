import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { type LabServer, startServer } from "../../src/server/server.js";
import { labServices } from "../../src/server/services.js";

/** Helpers of the browser tests: build and serve the lab, start a fresh headless Chromium. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CHROMIUM = process.env.INITLAB_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** Why the browser tests cannot run here, or null. With INITLAB_REQUIRE_BROWSER=1 a missing browser is a failure. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} is missing (apt-get install chromium)`;
  if (process.env.INITLAB_REQUIRE_BROWSER === "1" || process.env.CI) throw new Error(why);
  return why;
}

/** Builds web/dist if it is out of date (web/build.mjs is incremental) and serves it with the run store of `home`. */
export async function serveLab(home: string): Promise<{ server: LabServer; close(): Promise<void> }> {
  execFileSync(process.execPath, [join(ROOT, "web", "build.mjs")], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const services = labServices(home);
  const server = await startServer({ port: 0, webRoot: join(ROOT, "web", "dist"), services });
  return {
    server,
    async close() {
      await server.close();
      services.close();
    },
  };
}

/** Headless Chromium with a fresh profile (its --user-data-dir), nothing fetched from outside the machine. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "initlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/**
 * One browser test file at a time in this checkout: the test runner runs two files at once, and
 * two headless Chromiums training side by side on a small machine would measure each other's load
 * (frame gaps, speeds, the notes' seconds). The lock is a folder holding the owner's pid; a lock
 * whose owner is gone is taken over. Returns the release function.
 */
export async function browserLock(timeoutMs = 900_000): Promise<() => void> {
  const dir = join(tmpdir(), `initlab-browser-lock-${Buffer.from(ROOT).toString("hex").slice(-24)}`);
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, "pid"), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(join(dir, "pid"), "utf8"));
      } catch {
        // the owner is between mkdir and writing its pid
      }
      if (owner > 0 && !alive(owner)) rmSync(dir, { recursive: true, force: true });
      else if (Date.now() - t0 > timeoutMs) throw new Error(`browser tests: ${dir} held for ${timeoutMs} ms`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
