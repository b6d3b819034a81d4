import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-util.js";

/**
 * The lab server's per-process API token. Any web page the user visits can make the browser send
 * requests to 127.0.0.1 (the Host header names the loopback, so the DNS-rebinding check lets them
 * through). Such a page cannot read this server's HTML (the same-origin policy, and
 * `Cross-Origin-Resource-Policy: same-origin`), so a secret written into the served page and
 * required on every API call is something only the lab's own page has. Cross-site requests that
 * announce themselves (an `Origin` other than this server's, `Sec-Fetch-Site: cross-site`) are
 * refused before the token is even compared.
 */
export const API_TOKEN_HEADER = "x-initlab-token";

/** The `<meta>` through which the served page hands the token to its scripts (web/src/api.ts). */
export const API_TOKEN_META = "initlab-api-token";

/** The cookie that lets a browser on another machine load the pages of a `--allow-remote` server. */
export const PAGE_TOKEN_COOKIE = "initlab_token";

/** What a token may look like: 16-200 URL- and attribute-safe characters (it is written into HTML). */
export const API_TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,200}$/;

/** A fresh token: 32 random bytes from the operating system, base64url. */
export function newApiToken(): string {
  return randomBytes(32).toString("base64url");
}

/** True when `given` is the token (compared in constant time). */
export function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Throws 403 unless the request may use the API: no foreign `Origin`, not `Sec-Fetch-Site:
 * cross-site` / `same-site`, and the token in the `X-Initlab-Token` header.
 */
export function checkApiAccess(req: IncomingMessage, token: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ""}`)
    throw new HttpError(403, `cross-origin request from ${String(origin).slice(0, 80)} refused`);
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    throw new HttpError(403, `cross-site request (Sec-Fetch-Site: ${String(site).slice(0, 20)}) refused`);
  const given = req.headers[API_TOKEN_HEADER];
  if (!tokenMatches(Array.isArray(given) ? given[0] : given, token)) {
    throw new HttpError(
      403,
      `missing or wrong API token: the API answers only the page this server serves (header ${API_TOKEN_HEADER})`,
    );
  }
}

/** The token from a `?token=` query or the page cookie, or null. */
export function pageToken(req: IncomingMessage, query: URLSearchParams): string | null {
  const q = query.get("token");
  if (q) return q;
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === PAGE_TOKEN_COOKIE) return v.join("=");
  }
  return null;
}

/** An HTML page with the token's `<meta>` as the first element of its head. */
export function withTokenMeta(html: string, token: string): string {
  const meta = `<meta name="${API_TOKEN_META}" content="${token}" />`;
  const m = /<head[^>]*>/i.exec(html);
  if (m) return `${html.slice(0, m.index + m[0].length)}\n    ${meta}${html.slice(m.index + m[0].length)}`;
  return `${meta}\n${html}`;
}
