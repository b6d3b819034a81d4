import type { RedisOptions } from "bullmq";
import { UserError } from "../errors.js";

/** The BullMQ queue runs travel on unless --queue-name says otherwise. */
export const DEFAULT_QUEUE_NAME = "initlab-runs";

/** Completed and failed jobs stay in Redis this long (so another sweep can collect them), then go. */
export const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

/**
 * Connection options from a Redis URL: redis://[user:password@]host[:port][/db], or rediss://
 * for TLS. `blocking` connections (workers) retry commands forever while Redis is away, as
 * BullMQ requires.
 */
export function redisOptions(url: string, blocking: boolean): RedisOptions {
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
  if (u.protocol === "rediss:") opts.tls = {};
  if (blocking) opts.maxRetriesPerRequest = null;
  return opts;
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

/** Waits for a BullMQ client to connect, or throws a UserError naming the URL after `ms`. */
export async function connectOrThrow(ready: Promise<unknown>, url: string, ms = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UserError(`cannot reach Redis at ${redactUrl(url)} within ${ms / 1000}s`)),
      ms,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot use Redis at ${redactUrl(url)}: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
