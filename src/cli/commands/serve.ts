import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { UserError } from "../../errors.js";
import { packageRoot } from "../../kernels/node-env.js";
import { API_TOKEN_PATTERN } from "../../server/api-token.js";
import { startServer } from "../../server/server.js";
import { machineMemoryLimit } from "../../sweep/machine-memory.js";
import type { CliIO } from "../io.js";
import { parseInteger } from "../parse.js";

/** The lab's port when none is given (INITLAB_PORT overrides it). */
export const DEFAULT_PORT = 7340;

export interface ServeOptions {
  port?: number;
  host?: string;
  home?: string;
  build?: boolean;
  /** Listen on an address other machines can reach (--host other than the loopback). */
  allowRemote?: boolean;
  /** --memory-limit: the most the server's data sets may take (default INITLAB_MAX_MEMORY, else half the machine's memory). */
  memoryLimit?: string;
}

/** The help text of `serve/start --memory-limit`. */
export const SERVER_MEMORY_HELP =
  "refuse (HTTP 503) a data set that would take the server's data sets above this size, e.g. 200MB (default $INITLAB_MAX_MEMORY, else half of this machine's memory)";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * A --host other machines can reach (0.0.0.0, a LAN address) serves the lab and the whole run
 * store to anyone on the network, and turns the Host check off: refused without --allow-remote,
 * and said loudly with it.
 */
export function checkRemoteHost(host: string | undefined, allowRemote: boolean, io: CliIO): void {
  if (host === undefined || LOOPBACK_HOSTS.has(host.toLowerCase())) return;
  if (!allowRemote) {
    throw new UserError(
      `--host ${host} would serve the lab and the run store to other machines; ` +
        "add --allow-remote to do that on purpose (default: 127.0.0.1, this machine only)",
    );
  }
  io.stderr(
    `initlab serve: warning: listening on ${host} (--allow-remote): anyone who can reach this address can read the run store and use this server's CPU and memory\n`,
  );
}

/**
 * Builds the browser lab if its sources are newer than web/dist (web/build.mjs is incremental),
 * serves it with the run store API, prints the address, and runs until SIGINT / SIGTERM.
 */
export async function serveLab(opts: ServeOptions, io: CliIO): Promise<void> {
  checkRemoteHost(opts.host, Boolean(opts.allowRemote), io);
  const memoryLimit = machineMemoryLimit(opts.memoryLimit);
  const root = packageRoot();
  if (!root) throw new Error("cannot find the initlab package folder");
  const webRoot = join(root, "web", "dist");
  const builder = join(root, "web", "build.mjs");
  if (opts.build !== false && existsSync(builder)) {
    const r = spawnSync(process.execPath, [builder], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) {
      if (!existsSync(join(webRoot, "index.html"))) {
        throw new UserError(`building the browser lab failed (node web/build.mjs exited with ${r.status})`);
      }
      io.stderr("initlab: building the browser lab failed (see above); serving the previous build\n");
    }
  }
  if (!existsSync(join(webRoot, "index.html"))) {
    throw new UserError(
      `the browser lab is not built: ${webRoot}/index.html is missing (run: npm run build)`,
    );
  }
  const envPort = process.env.INITLAB_PORT;
  const port = opts.port ?? (envPort ? parseInteger("INITLAB_PORT", 0)(envPort) : DEFAULT_PORT);
  // loaded here, not at the top: other commands should not pay for SQLite and the data loaders
  const { labServices } = await import("../../server/services.js");
  const { runsHome } = await import("../../store/index.js");
  const home = runsHome(opts.home);
  const services = labServices(home, { memoryLimit });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      port,
      host: opts.host,
      webRoot,
      services,
      token: apiTokenFromEnv(),
      log: (l) => io.stderr(`initlab serve: ${l}\n`),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new UserError(`port ${port} is in use; pass --port N (0 picks a free one)`);
    if (code === "EACCES")
      throw new UserError(`no permission to listen on port ${port}; pass --port N above 1023`);
    throw e;
  }
  // other machines need the token to load the page (a cookie keeps it after the first visit)
  const remote = opts.host !== undefined && !LOOPBACK_HOSTS.has(opts.host.toLowerCase());
  const shown = remote ? `${server.url}?token=${server.token}` : server.url;
  io.stdout(`initlab lab: ${shown}  (runs from ${home}; Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  services.close();
}

/**
 * INITLAB_API_TOKEN: a fixed API token (for scripts that call the API with
 * `X-Initlab-Token`); unset, the server makes a fresh random one per process.
 */
export function apiTokenFromEnv(): string | undefined {
  const t = process.env.INITLAB_API_TOKEN;
  if (t === undefined || t === "") return undefined;
  if (!API_TOKEN_PATTERN.test(t))
    throw new UserError(
      `INITLAB_API_TOKEN: expected 16 to 200 characters from A-Z a-z 0-9 . _ ~ -, got ${t.length} characters`,
    );
  return t;
}

export function serveCommand(io: CliIO): Command {
  return new Command("serve")
    .description("the browser lab: build it if needed, serve it and the run store API on 127.0.0.1")
    .option(
      "--port <n>",
      `port (default ${DEFAULT_PORT} or $INITLAB_PORT; 0 = any free port)`,
      parseInteger("--port", 0),
    )
    .option("--host <address>", "address to listen on (default 127.0.0.1: this machine only)")
    .option("--allow-remote", "allow a --host that other machines can reach (prints a warning)")
    .option("--home <dir>", "runs folder to browse (default $INITLAB_HOME or ./runs)")
    .option("--no-build", "serve web/dist as it is, without rebuilding")
    .option("--memory-limit <size>", SERVER_MEMORY_HELP)
    .addHelpText(
      "after",
      "\nThe API (/api/...) answers only requests with this process's token in the X-Initlab-Token header;\n" +
        "the served page carries it. INITLAB_API_TOKEN sets a fixed one for scripts (docs/reliability.md).\n",
    )
    .action(async (opts) => {
      if (opts.port !== undefined && opts.port > 65535)
        throw new UserError(`--port: ${opts.port} is above 65535`);
      await serveLab(opts, io);
    });
}
