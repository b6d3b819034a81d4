import type { ServerResponse } from "node:http";
import { type ByteDataset, encodeDatasetParts } from "../data/dataset-codec.js";
import { LAB_LIMITS } from "../train/limits.js";
import { HttpError, intParam, onlyParams, SECURITY_HEADERS, sendJson } from "./http-util.js";

/** The image data sets the server hands to the page (the 2-D sets are generated in the browser). */
export const SERVED_DATASETS = ["mnist", "fashion-mnist"] as const;
export type ServedDataset = (typeof SERVED_DATASETS)[number];

/** What the API needs from the rest of initlab; `services.ts` wires the real ones, tests pass fakes. */
export interface LabServices {
  info(): unknown;
  listRuns(opts: { limit: number; offset: number }): Promise<unknown>;
  /** null when there is no such run. */
  getRun(id: string): Promise<unknown | null>;
  /** A sweep's definition and planned runs; null when there is no such sweep. */
  getSweep(name: string): Promise<unknown | null>;
  /**
   * Raw pixels (0..255) and labels of the first nTrain / nTest examples. The real service builds
   * each data set once and returns views of it (no copy per request).
   */
  dataset(name: ServedDataset, nTrain: number, nTest: number): Promise<ByteDataset>;
}

export interface RouteContext {
  res: ServerResponse;
  params: string[];
  query: URLSearchParams;
  headOnly: boolean;
}

export interface Route {
  pattern: RegExp;
  handle(ctx: RouteContext): Promise<void>;
}

/** Run ids: letters, digits, '-', '_', '.', not starting with '.', at most 128 characters. */
export const RUN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Sweep names: printable, no slashes or control characters, at most 200 characters. */
export const SWEEP_NAME = /^[A-Za-z0-9_][A-Za-z0-9 ._:+=,()-]{0,199}$/;

/**
 * The API:
 *   GET /api/info                               version, limits, served data sets
 *   GET /api/runs?limit=&offset=                the run store's runs, newest first
 *   GET /api/runs/:id                           one run record
 *   GET /api/sweeps/:name                       a sweep's definition and planned runs
 *   GET /api/datasets/:name?train=N&test=M      an image data set in the binary form of dataset-codec.ts
 * Every parameter is checked; unknown parameters are refused.
 */
export function apiRoutes(services: LabServices): Route[] {
  const gate = new Gate(MAX_DATASET_RESPONSES, MAX_DATASET_WAITING);
  return [
    {
      pattern: /^\/api\/info$/,
      async handle({ res, query, headOnly }) {
        onlyParams(query, []);
        sendJson(res, 200, services.info(), headOnly);
      },
    },
    {
      pattern: /^\/api\/runs$/,
      async handle({ res, query, headOnly }) {
        onlyParams(query, ["limit", "offset"]);
        const limit = intParam(query, "limit", 200, 1, 1000);
        const offset = intParam(query, "offset", 0, 0, 1_000_000_000);
        sendJson(res, 200, await services.listRuns({ limit, offset }), headOnly);
      },
    },
    {
      pattern: /^\/api\/runs\/([^/]+)$/,
      async handle({ res, params, query, headOnly }) {
        onlyParams(query, []);
        const id = decodeParam(params[0]);
        if (!RUN_ID.test(id)) throw new HttpError(400, `bad run id "${id.slice(0, 40)}"`);
        const run = await services.getRun(id);
        if (run === null) throw new HttpError(404, `no run "${id}"`);
        sendJson(res, 200, run, headOnly);
      },
    },
    {
      pattern: /^\/api\/sweeps\/([^/]+)$/,
      async handle({ res, params, query, headOnly }) {
        onlyParams(query, []);
        const name = decodeParam(params[0]);
        if (!SWEEP_NAME.test(name)) throw new HttpError(400, `bad sweep name "${name.slice(0, 40)}"`);
        const sweep = await services.getSweep(name);
        if (sweep === null) throw new HttpError(404, `no sweep "${name}"`);
        sendJson(res, 200, sweep, headOnly);
      },
    },
    {
      pattern: /^\/api\/datasets\/([^/]+)$/,
      async handle({ res, params, query, headOnly }) {
        onlyParams(query, ["train", "test"]);
        const name = params[0] as ServedDataset;
        if (!SERVED_DATASETS.includes(name)) {
          throw new HttpError(
            404,
            `no data set "${params[0].slice(0, 40)}"; served: ${SERVED_DATASETS.join(", ")}`,
          );
        }
        const nTrain = intParam(query, "train", 10000, 1, LAB_LIMITS.maxTrain);
        const nTest = intParam(query, "test", 2000, 1, LAB_LIMITS.maxTest);
        // At most MAX_DATASET_RESPONSES responses in progress at once; each is written as views of
        // the one cached data set (a 32-byte header of its own), so it holds no copy.
        const release = await gate.enter();
        let parts: Uint8Array[];
        try {
          parts = encodeDatasetParts(await services.dataset(name, nTrain, nTest));
        } catch (e) {
          release();
          throw e;
        }
        res.once("close", release);
        sendParts(res, parts, headOnly);
      },
    },
  ];
}

/** A binary response written piece by piece (no concatenated copy). */
function sendParts(res: ServerResponse, parts: Uint8Array[], headOnly: boolean): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": "application/octet-stream",
    "Content-Length": String(parts.reduce((n, p) => n + p.byteLength, 0)),
    "Cache-Control": "private, max-age=86400",
  });
  if (!headOnly) for (const p of parts) res.write(p);
  res.end();
}

function decodeParam(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    throw new HttpError(400, "malformed path");
  }
}

/** Data set responses being encoded or sent at once; more wait, up to MAX_DATASET_WAITING, then 503. */
export const MAX_DATASET_RESPONSES = 4;
export const MAX_DATASET_WAITING = 64;

/** A counting gate: `enter` resolves when a place is free, or fails with 503 when too many wait. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly maxWaiting: number,
  ) {}

  async enter(): Promise<() => void> {
    if (this.active >= this.size) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new HttpError(
          503,
          `busy: ${this.active} data set responses in progress and ${this.waiting.length} waiting; try again shortly`,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
