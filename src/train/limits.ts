import { UserError } from "../errors.js";

/**
 * Size limits for everything the browser lab and its server accept, so that neither a request
 * nor a crafted link can make the server or the page allocate without bound. Browser-safe: the
 * page checks a URL's state with the same function the server checks a request with. The
 * settings table (settings.ts) gives the lab's form the same ranges.
 */
export const LAB_LIMITS = {
  /** Hidden layers. */
  maxDepth: 100,
  /** Units per hidden layer. */
  maxWidth: 2048,
  maxBatch: 4096,
  /** Training examples (MNIST and Fashion-MNIST have 60000). */
  maxTrain: 60000,
  /** Test examples (MNIST and Fashion-MNIST have 10000). */
  maxTest: 10000,
  /** Trainable weights of one network (4 bytes each). */
  maxParams: 16_000_000,
  /** Batch size times the sum of the layer widths (the cached Z, A, dZ buffers). */
  maxActivations: 8_000_000,
  maxSteps: 10_000_000,
  /** Longest spec string (initializer, activation) accepted. */
  maxSpecLength: 200,
} as const;

export interface NetworkShape {
  inputDim: number;
  hidden: number[];
  outputDim: number;
  batchSize: number;
}

/** Throws a UserError naming the value over its limit; returns the parameter count otherwise. */
export function checkNetworkShape(s: NetworkShape): number {
  const L = LAB_LIMITS;
  if (s.hidden.length > L.maxDepth)
    throw new UserError(`depth ${s.hidden.length} is over the limit of ${L.maxDepth} hidden layers`);
  for (const w of s.hidden) {
    if (!Number.isInteger(w) || w < 1 || w > L.maxWidth) {
      throw new UserError(`width ${w} is not an integer in 1..${L.maxWidth}`);
    }
  }
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > L.maxBatch) {
    throw new UserError(`batch size ${s.batchSize} is not an integer in 1..${L.maxBatch}`);
  }
  const sizes = [s.inputDim, ...s.hidden, s.outputDim];
  let params = 0;
  for (let l = 0; l + 1 < sizes.length; l++) params += sizes[l] * sizes[l + 1] + sizes[l + 1];
  if (params > L.maxParams) {
    throw new UserError(
      `the network ${sizes.join("-")} has ${params} parameters, over the limit of ${L.maxParams}`,
    );
  }
  const units = sizes.reduce((a, b) => a + b, 0);
  if (s.batchSize * units > L.maxActivations) {
    throw new UserError(
      `batch size ${s.batchSize} x ${units} units = ${s.batchSize * units} cached values, over the limit of ${L.maxActivations}`,
    );
  }
  return params;
}

/** An integer in [min, max], or a UserError naming `what`. */
export function checkInt(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`${what}: expected an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}
