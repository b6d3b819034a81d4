import { createReadStream, readFileSync, realpathSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { extname, join, sep } from "node:path";
import { HttpError, SECURITY_HEADERS } from "./http-util.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Resolves a URL path to a file under `root`, or throws 404. Only plain relative paths with
 * safe characters pass; `..`, encoded separators, NUL and symbolic links leading outside the
 * root are all refused, so no file outside `root` can be read.
 */
export function resolveStatic(root: string, urlPath: string): string {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, "malformed path");
  }
  if (p === "/" || p === "") p = "/index.html";
  if (!/^\/[A-Za-z0-9._\-/]*$/.test(p) || p.split("/").some((s) => s === ".." || s === ".")) {
    throw new HttpError(404, "not found");
  }
  const realRoot = realpathSync(root);
  const file = join(realRoot, p);
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    throw new HttpError(404, "not found");
  }
  if (!real.startsWith(realRoot + sep) || !statSync(real).isFile()) throw new HttpError(404, "not found");
  return real;
}

/**
 * Streams a file of the built app; hashed assets are cached for a year, the rest revalidated.
 * HTML pages go through `page` (the server writes its API token into them) and are never cached.
 */
export function serveStatic(
  res: ServerResponse,
  root: string,
  urlPath: string,
  headOnly: boolean,
  page?: (html: string) => string,
  extra: Record<string, string> = {},
): void {
  const file = resolveStatic(root, urlPath);
  const type = TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
  if (page && extname(file).toLowerCase() === ".html") {
    const body = Buffer.from(page(readFileSync(file, "utf8")), "utf8");
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "Content-Type": type,
      "Content-Length": String(body.byteLength),
      "Cache-Control": "no-store",
      ...extra,
    });
    res.end(headOnly ? undefined : body);
    return;
  }
  const size = statSync(file).size;
  const immutable = /\/assets\//.test(file);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Content-Length": String(size),
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (headOnly) res.end();
  else createReadStream(file).pipe(res);
}
