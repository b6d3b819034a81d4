import type { ServerResponse } from "node:http";
import { UserError } from "../errors.js";

/**
 * Headers on every response. Cross-origin isolation (COOP + COEP) lets the page use
 * SharedArrayBuffer (pausing the training worker, shared WebAssembly memory); the content
 * security policy keeps the page from fetching anything outside this server.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/** An error with an HTTP status; its message is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: Uint8Array | string,
  type: string,
  extra: Record<string, string> = {},
  headOnly = false,
): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Content-Length": String(bytes.byteLength),
    ...extra,
  });
  res.end(headOnly ? undefined : bytes);
}

/** JSON with non-finite numbers written as null (a run record may hold NaN losses). */
export function sendJson(res: ServerResponse, status: number, doc: unknown, headOnly = false): void {
  const text = JSON.stringify(doc, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
  send(res, status, text, "application/json; charset=utf-8", { "Cache-Control": "no-store" }, headOnly);
}

export function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof HttpError) sendJson(res, e.status, { error: e.message });
  else if (e instanceof UserError) sendJson(res, 400, { error: e.message });
  else sendJson(res, 500, { error: "internal error" });
}

/** A query parameter as an integer in [min, max], the default when absent; 400 otherwise. */
export function intParam(q: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === "") return def;
  if (!/^\d{1,10}$/.test(raw))
    throw new HttpError(400, `${name}: expected an integer in ${min}..${max}, got "${raw.slice(0, 40)}"`);
  const v = Number(raw);
  if (v < min || v > max)
    throw new HttpError(400, `${name}: expected an integer in ${min}..${max}, got ${v}`);
  return v;
}

/** Rejects query parameters other than the allowed ones (a typo should not pass silently). */
export function onlyParams(q: URLSearchParams, allowed: readonly string[]): void {
  for (const k of q.keys()) {
    if (!allowed.includes(k)) {
      throw new HttpError(
        400,
        `unknown query parameter "${k.slice(0, 40)}"; valid: ${allowed.join(", ") || "(none)"}`,
      );
    }
  }
}
