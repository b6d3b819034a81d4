import { type ChildProcess, spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";

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
 * if set, otherwise a private redis-server on a free loopback port, without persistence, stopped
 * by `stop()`.
 */
export async function testRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env.INITLAB_TEST_REDIS;
  if (given) return { url: given, stop: async () => undefined };
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    { stdio: "ignore" },
  );
  const failed = new Promise<never>((_, reject) => {
    child.on("error", (e) =>
      reject(new Error(`cannot start redis-server (install it: apt-get install redis-server): ${e.message}`)),
    );
  });
  failed.catch(() => undefined);
  const t0 = Date.now();
  while (!(await Promise.race([ping("127.0.0.1", port), failed]))) {
    if (Date.now() - t0 > 15_000) throw new Error(`redis-server on port ${port} did not answer within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
