/** The compute backends, fastest last (browser-safe: no backend code is loaded). */
export const BACKEND_NAMES = ["ts", "wasm", "native"] as const;

/** What a run may ask for: a backend by name, or "auto" (the fastest available). */
export const BACKEND_CHOICES = ["auto", ...BACKEND_NAMES] as const;
