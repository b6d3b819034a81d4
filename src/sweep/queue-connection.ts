import { readFileSync } from "node:fs";
import type { RedisOptions } from "bullmq";
import { UserError } from "../errors.js";

/** The BullMQ queue runs travel on unless --queue-name says otherwise. */
export const DEFAULT_QUEUE_NAME = "initlab-runs";

/** Completed and failed jobs stay in Redis this long (so another sweep can collect them), then go. */
export const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

/** How long a sweep waits for Redis to answer, when it starts and during an outage, unless --redis-timeout says otherwise. */
export const DEFAULT_REDIS_TIMEOUT_MS = 30_000;

/**
 * Connection options from a Redis URL: redis://[user:password@]host[:port][/db], or rediss://
 * for TLS. Without a password in the URL (where `ps` shows it), the password is read from
 * $INITLAB_REDIS_PASSWORD, else from the file named by $INITLAB_REDIS_PASSWORD_FILE (its first
 * line). `blocking` connections (workers) retry commands forever while Redis is away, as BullMQ
 * requires; the others (the sweep's queue) fail a command at once while Redis is unreachable
 * (no offline queue), so that the sweep can say so and wait or stop.
 */
export function redisOptions(
  url: string,
  blocking: boolean,
  env: NodeJS.ProcessEnv = process.env,
): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(
      `--queue: "${redactUrl(url)}" is not a valid URL (a port must be in 1..65535); expected redis://HOST:PORT (or rediss:// for TLS)`,
    );
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new UserError(
      `--queue: unsupported scheme "${u.protocol}" in ${redactUrl(url)}; valid: redis://, rediss://`,
    );
  }
  if (u.hostname === "")
    throw new UserError(`--queue: no host in ${redactUrl(url)}; expected redis://HOST:PORT`);
  if (u.port !== "" && (Number(u.port) < 1 || Number(u.port) > 65535))
    throw new UserError(`--queue: port ${u.port} in ${redactUrl(url)} is not in 1..65535`);
  const db = u.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db))
    throw new UserError(`--queue: database "${db}" in ${redactUrl(url)} must be a number`);
  const opts: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : 6379,
    db: db === "" ? 0 : Number(db),
    connectTimeout: 10_000,
  };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  else {
    const fromEnv = passwordFromEnv(env);
    if (fromEnv !== null) opts.password = fromEnv;
  }
  if (u.protocol === "rediss:") opts.tls = {};
  // Reconnect every second while Redis is away (BullMQ's default backs off to 20 s).
  opts.retryStrategy = () => 1000;
  if (blocking) opts.maxRetriesPerRequest = null;
  else {
    opts.maxRetriesPerRequest = 1;
    opts.enableOfflineQueue = false;
  }
  return opts;
}

function passwordFromEnv(env: NodeJS.ProcessEnv): string | null {
  if (env.INITLAB_REDIS_PASSWORD) return env.INITLAB_REDIS_PASSWORD;
  const file = env.INITLAB_REDIS_PASSWORD_FILE;
  if (!file) return null;
  let first: string;
  try {
    first = readFileSync(file, "utf8").split(/\r?\n/)[0];
  } catch (e) {
    throw new UserError(
      `INITLAB_REDIS_PASSWORD_FILE ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (first === "") throw new UserError(`INITLAB_REDIS_PASSWORD_FILE ${file}: its first line is empty`);
  return first;
}

/** Redis refused the credentials (wrong password, none given, or a user without the rights). */
export function isAuthError(message: string): boolean {
  return /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username-password/i.test(message);
}

/** An error of the connection to Redis (not of a command): Redis is unreachable for now. */
export function isConnectionError(e: unknown): boolean {
  const m = String((e as Error)?.message ?? e);
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|MaxRetriesPerRequest|max retries per request/i.test(
    m,
  );
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Waits for a BullMQ client to connect. Throws a UserError naming the URL: at once when Redis
 * refuses the credentials (WRONGPASS / NOAUTH: retrying cannot help), or "Redis unreachable"
 * with the last connection error after `ms`. `errors` is where the client's error events go.
 */
export async function connectOrThrow(
  ready: Promise<unknown>,
  url: string,
  errors: { on(event: "error", fn: (e: Error) => void): unknown },
  ms = DEFAULT_REDIS_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let last = "";
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UserError(
            `Redis unreachable at ${redactUrl(url)}: no connection within ${ms / 1000} s${last ? ` (${last})` : ""}`,
          ),
        ),
      ms,
    );
    errors.on("error", (e: Error) => {
      last = e?.message ?? String(e);
      if (isAuthError(last)) {
        // Let the client's own connect attempt settle first (its error would otherwise be emitted
        // once the client is closed, with no listener left, and end the process with a stack).
        const message = last;
        void Promise.race([ready.then(noop, noop), delay(2000)]).then(() => reject(authError(url, message)));
      }
    });
  });
  failed.catch(() => undefined);
  try {
    await Promise.race([ready, failed]);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const msg = (e as Error).message;
    if (isAuthError(msg)) throw authError(url, msg);
    throw new UserError(`cannot use Redis at ${redactUrl(url)}: ${msg}`);
  } finally {
    clearTimeout(timer);
  }
}

function authError(url: string, message: string): UserError {
  return new UserError(
    `Redis at ${redactUrl(url)} refused the credentials: ${message.split("\n")[0]} ` +
      "(give the password in the URL, $INITLAB_REDIS_PASSWORD or $INITLAB_REDIS_PASSWORD_FILE)",
  );
}

function noop(): void {}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
