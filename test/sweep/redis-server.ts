import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** True when a Redis server answers PING at host:port. */
export function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    let data = "";
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.on("error", () => done(false));
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d) => {
      data += d;
      if (data.includes("\r\n")) done(data.startsWith("+PONG"));
    });
  });
}

/**
 * A Redis for the queue tests: $INITLAB_TEST_REDIS (a redis:// URL, e.g. from scripts/ci-redis.sh)
 * if set, otherwise a private redis-server on a free loopback port, without persistence, in a
 * temporary folder (nothing written to the working folder), stopped by `stop()` or when this process
 * exits. The tests use their own queue names too, so they never share jobs with another process.
 */
export async function testRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env.INITLAB_TEST_REDIS;
  if (given) return { url: given, stop: async () => undefined };
  return privateRedis();
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Stops it (SIGTERM) and removes its folder. */
  stop(): Promise<void>;
  /** kill -9, as an outage: the folder stays, `restart` starts it again on the same port (empty). */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/**
 * A redis-server of this test's own on a free loopback port (never $INITLAB_TEST_REDIS: the
 * outage tests kill it), optionally with `requirepass`.
 */
export async function privateRedis(options: { password?: string } = {}): Promise<PrivateRedis> {
  // The free port may be taken by someone else before redis-server binds it: then it exits, and
  // another port is tried (never a ping answered by another process's server).
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      let server = await startRedis(port, options.password);
      const handle: PrivateRedis = {
        url: server.url,
        port,
        stop: () => server.stop(),
        kill: () => server.kill(),
        restart: async () => {
          server = await startRedis(port, options.password);
        },
      };
      return handle;
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt === 3) throw e;
    }
  }
}

class PortTaken extends Error {}

async function startRedis(
  port: number,
  password?: string,
): Promise<{ url: string; stop(): Promise<void>; kill(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "initlab-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  args.push("--protected-mode", "yes", "--dir", dir);
  if (password) args.push("--requirepass", password);
  const child: ChildProcess = spawn("redis-server", args, { stdio: ["ignore", "pipe", "ignore"] });
  let log = "";
  child.stdout?.on("data", (d) => {
    log += d;
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const cleanup = () => {
    process.off("exit", killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = new Promise<never>((_, reject) => {
    child.on("error", (e) =>
      reject(new Error(`cannot start redis-server (install it: apt-get install redis-server): ${e.message}`)),
    );
    // "close": after the output is read, so the log has the reason.
    child.on("close", (code) =>
      reject(
        /Address already in use/i.test(log)
          ? new PortTaken(`port ${port} is taken`)
          : new Error(`redis-server on port ${port} exited with code ${code}: ${log.slice(-500)}`),
      ),
    );
  });
  failed.catch(() => undefined);
  const t0 = Date.now();
  try {
    // Ready once this server says so and answers (a PONG alone could come from another server).
    for (;;) {
      if (
        /Ready to accept connections/.test(log) &&
        (password || (await Promise.race([ping("127.0.0.1", port), failed])))
      )
        break;
      if (Date.now() - t0 > 15_000)
        throw new Error(`redis-server on port ${port} did not answer within 15 s`);
      await Promise.race([new Promise((r) => setTimeout(r, 100)), failed]);
    }
  } catch (e) {
    child.kill("SIGKILL");
    cleanup();
    throw e;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          cleanup();
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.on("exit", done);
        child.kill("SIGTERM");
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          cleanup();
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.on("exit", done);
        child.kill("SIGKILL");
      }),
  };
}
