/** How long one statement waits for a lock held by another connection (SQLite's busy timeout). */
export const BUSY_TIMEOUT_MS = 15_000;

/** How long a write keeps trying, over several busy timeouts, before its error reaches the caller. */
export const BUSY_GIVE_UP_MS = 120_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** True for SQLite's "database is locked" family (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, ...). */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code === "SQLITE_LOCKED");
}

/**
 * Runs a write, trying again while SQLite reports the store busy (another process writing), with
 * a growing pause (25 ms doubling to 1 s, offset by the process id so that two waiting processes
 * do not retry in step) until `giveUpMs` have passed. Every write of the store is one
 * BEGIN IMMEDIATE transaction, so a retry repeats the whole transaction.
 */
export function retryBusy<R>(write: () => R, giveUpMs = BUSY_GIVE_UP_MS): R {
  const t0 = Date.now();
  let pause = 25 + (process.pid % 17);
  for (;;) {
    try {
      return write();
    } catch (e) {
      if (!isBusy(e) || Date.now() - t0 > giveUpMs) throw e;
      sleepSync(pause);
      pause = Math.min(1000, pause * 2);
    }
  }
}
