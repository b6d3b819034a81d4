import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpError, sendError } from "./http-util.js";
import { apiRoutes, type LabServices, type Route } from "./routes.js";
import { serveStatic } from "./static-files.js";

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: the lab is for this machine only. */
  host?: string;
  /** The built app (web/dist). */
  webRoot: string;
  services: LabServices;
  /** One line per request that failed with a server error. */
  log?: (line: string) => void;
}

export interface LabServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * The browser lab's HTTP server (Node's http module): the built app as static files and the
 * JSON/binary API of `routes.ts`. GET and HEAD only. On a loopback address it answers only
 * requests whose Host header names the loopback (a guard against DNS rebinding).
 */
export function startServer(opts: ServerOptions): Promise<LabServer> {
  const host = opts.host ?? "127.0.0.1";
  const routes = apiRoutes(opts.services);
  let port = opts.port;
  const server = createServer((req, res) => {
    handle(req, res, routes, opts, host, port).catch((e) => {
      if (!(e instanceof HttpError)) opts.log?.(`${req.method} ${req.url}: ${(e as Error)?.stack ?? e}`);
      if (!res.headersSent) sendError(res, e);
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      port = (server.address() as AddressInfo).port;
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: Route[],
  opts: ServerOptions,
  host: string,
  port: number,
): Promise<void> {
  if (LOOPBACK.has(host)) {
    const h = (req.headers.host ?? "").toLowerCase();
    const name = h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.split(":")[0];
    if (!LOOPBACK.has(name) || h.slice(name.length) !== `:${port}`)
      throw new HttpError(421, "unexpected Host header");
  }
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "HEAD")
    throw new HttpError(405, `method ${method.slice(0, 10)} is not allowed`);
  const url = new URL(req.url ?? "/", "http://localhost");
  const headOnly = method === "HEAD";
  if (url.pathname.startsWith("/api/")) {
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname);
      if (m) return r.handle({ res, params: m.slice(1), query: url.searchParams, headOnly });
    }
    throw new HttpError(404, `no API route ${url.pathname.slice(0, 80)}`);
  }
  serveStatic(res, opts.webRoot, url.pathname, headOnly);
}
