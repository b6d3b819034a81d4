import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UserError } from "../errors.js";
import {
  API_TOKEN_PATTERN,
  checkApiAccess,
  newApiToken,
  PAGE_TOKEN_COOKIE,
  pageToken,
  tokenMatches,
  withTokenMeta,
} from "./api-token.js";
import { HttpError, SECURITY_HEADERS, sendError } from "./http-util.js";
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
  /** The API token (default: a fresh random one per process; `api-token.ts`). */
  token?: string;
}

export interface LabServer {
  url: string;
  port: number;
  /**
   * The API token: every /api/ request must carry it in the `X-Initlab-Token` header (the served
   * pages carry it in a `<meta>`). On a non-loopback host the pages need it too: open
   * `url?token=TOKEN` once (a cookie keeps it for the other pages).
   */
  token: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * The browser lab's HTTP server (Node's http module): the built app as static files and the
 * JSON/binary API of `routes.ts`. GET and HEAD only. On a loopback address it answers only
 * requests whose Host header names the loopback (a guard against DNS rebinding). The API answers
 * only requests with the per-process token and no foreign origin (`api-token.ts`), so another
 * web site open in the user's browser cannot drive it; on any other address (`--allow-remote`)
 * the pages need the token as well.
 */
export function startServer(opts: ServerOptions): Promise<LabServer> {
  const host = opts.host ?? "127.0.0.1";
  const routes = apiRoutes(opts.services);
  const token = opts.token ?? newApiToken();
  if (!API_TOKEN_PATTERN.test(token))
    return Promise.reject(new UserError("API token: expected 16 to 200 characters from A-Z a-z 0-9 . _ ~ -"));
  let port = opts.port;
  const server = createServer((req, res) => {
    handle(req, res, routes, opts, host, port, token).catch((e) => {
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
        token,
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
  token: string,
): Promise<void> {
  const loopback = LOOPBACK.has(host);
  if (loopback) {
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
    checkApiAccess(req, token);
    for (const r of routes) {
      const m = r.pattern.exec(url.pathname);
      if (m) return r.handle({ res, params: m.slice(1), query: url.searchParams, headOnly });
    }
    throw new HttpError(404, `no API route ${url.pathname.slice(0, 80)}`);
  }
  const page = (html: string) => withTokenMeta(html, token);
  if (loopback || !isPage(url.pathname)) {
    serveStatic(res, opts.webRoot, url.pathname, headOnly, page);
    return;
  }
  // Reachable from other machines: a page (which carries the token) only for those who have it.
  const given = pageToken(req, url.searchParams);
  if (!tokenMatches(given, token))
    throw new HttpError(403, "open the address with ?token= that `initlab serve` printed");
  const cookie = `${PAGE_TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  if (url.searchParams.has("token")) {
    // keep the token out of the address bar (and of the links the lab copies)
    url.searchParams.delete("token");
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      Location: url.pathname + url.search,
      "Set-Cookie": cookie,
      "Cache-Control": "no-store",
    });
    res.end();
    return;
  }
  serveStatic(res, opts.webRoot, url.pathname, headOnly, page, { "Set-Cookie": cookie });
}

/** Paths that serve an HTML page (`/`, `/index.html`, `/notes.html`). */
function isPage(pathname: string): boolean {
  return pathname === "/" || pathname === "" || pathname.toLowerCase().endsWith(".html");
}
