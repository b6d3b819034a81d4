import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
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

/** One browser test file's lab: its server, its Chromium and the one page its tests drive. */
export interface LabSession {
  lab: Awaited<ReturnType<typeof serveLab>>;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  page: Page;
  /** Uncaught errors of the page (a test asserts the list is empty). */
  pageErrors: string[];
  /** Every URL the page requested (requests to other hosts are aborted: the lab works offline). */
  requests: string[];
  /** Closes the browser and the server, deletes the profile, releases the lock. */
  close(): Promise<void>;
}

/**
 * The setup every browser test file shares: the lock (one browser test file at a time), the lab
 * built and served with a run store in `home` (default: a fresh temporary folder), a fresh
 * headless Chromium and one page that may load nothing from outside this machine.
 */
export async function openLab(home?: string): Promise<LabSession> {
  const release = await browserLock();
  try {
    const lab = await serveLab(home ?? mkdtempSync(join(tmpdir(), "initlab-runs-")));
    const browser = await launchBrowser();
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      requests.push(url.href);
      if (url.hostname !== "127.0.0.1") return route.abort();
      return route.continue();
    });
    return {
      lab,
      browser,
      page,
      pageErrors,
      requests,
      async close() {
        try {
          await browser.close();
          await lab.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** Waits until every run shown is ready or paused (loaded, nothing running). */
export async function ready(p: Page, timeout = 60_000): Promise<void> {
  await waitStatus(p, /^(ready|paused)(,(ready|paused))*$/, timeout);
}

/** Waits until the status line's data-status (the runs' states, comma-separated) matches `re`. */
export async function waitStatus(p: Page, re: RegExp, timeout = 120_000): Promise<void> {
  await p.waitForFunction(
    (src) => new RegExp(src).test(document.querySelector<HTMLElement>("#status")?.dataset.status ?? ""),
    re.source,
    { timeout },
  );
}

// Strings, not functions: tsx would wrap a function's inner closures in a helper the page lacks.
const START_FRAMES = `(() => {
  window.__frames = [];
  window.__recording = true;
  const loop = (t) => {
    if (!window.__recording) return;
    window.__frames.push(t);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
})()`;
const STOP_FRAMES = "window.__recording = false, window.__frames";

/**
 * Starts training and records the gaps between animation frames until the run is done, and, as
 * a canary for the machine, the longest delay of this (mostly idle) Node process's event loop over
 * the same time: when it is long, other processes held the CPU and no page could have drawn.
 */
export async function trainToEnd(p: Page): Promise<{ ms: number; gaps: number[]; canaryMs: number }> {
  await ready(p, 120_000);
  await p.evaluate(START_FRAMES);
  const canary = monitorEventLoopDelay({ resolution: 10 });
  canary.enable();
  const t0 = Date.now();
  await p.click("#btn-play");
  await waitStatus(p, /^done(,done)*$/);
  const ms = Date.now() - t0;
  canary.disable();
  const frames = (await p.evaluate(STOP_FRAMES)) as number[];
  return { ms, gaps: frames.slice(1).map((t, i) => t - frames[i]), canaryMs: canary.max / 1e6 };
}

/**
 * Whether other processes held the CPU while a page was measured: this idle Node process's event
 * loop stalled over 50 ms (`canaryMs`), or the load average is over twice the cores. Frame gaps
 * then measure the machine, not the page; a test checks a measure that stalls do not move (the
 * median) instead, and says so.
 */
export function machineBusy(canaryMs: number): string | null {
  const load = loadavg()[0];
  if (canaryMs > 50) return `Node stalled ${canaryMs.toFixed(0)} ms`;
  if (load > 2 * availableParallelism())
    return `load average ${load.toFixed(1)} on ${availableParallelism()} cores`;
  return null;
}

/** The q-quantile of xs (the element at floor(q n) of the sorted values). */
export const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

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
