/**
 * Calls of the lab server's API. The server writes a per-process token into the page it serves
 * (`<meta name="initlab-api-token">`, src/server/api-token.ts) and answers /api/ requests only
 * when they carry it in the `X-Initlab-Token` header, so other web sites open in the same
 * browser cannot use the API. A page served by some other static server has no token; its API
 * calls then fail as they would without the initlab server.
 */
export function apiToken(): string | null {
  if (typeof document === "undefined") return null;
  return document.querySelector<HTMLMetaElement>('meta[name="initlab-api-token"]')?.content ?? null;
}

/** `fetch` of a same-origin API path with the token header. */
export function apiFetch(url: string): Promise<Response> {
  const token = apiToken();
  return fetch(url, token ? { headers: { "X-Initlab-Token": token } } : undefined);
}
