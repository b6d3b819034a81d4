import { DataError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import { ARCHITECTURE_KEYS, type ArchitectureSpec, isPlain } from "./architecture.js";
import { Network, type NetworkSpec } from "./network.js";

/**
 * The network file format (JSON), documented in docs/network-format.md:
 * { "format": "initlab.network", "version": 1, "sizes": [784, 256, 10],
 *   "activations": ["relu"], "init": ["he_normal", "he_normal"], "biasInit": "zeros", "preluShared": false,
 *   "layers": [ { "weight": [[w_00, ..., w_0,in-1], ...out rows], "bias": [...out], "slopes": [...] (PReLU only) } ] }
 * Weights are [out][in], like PyTorch's nn.Linear.weight, so a file converts to a state_dict directly.
 * A residual or normalized network adds "architecture" (src/nn/architecture.ts) and, per layer,
 * "norm": { "weight", "bias", "runningMean", "runningVar", "batchesTracked" } (the last three for
 * BatchNorm) and "alpha" (a learnable branch scale); files without them are plain MLPs.
 */
export interface NetworkFile {
  format: "initlab.network";
  version: 1;
  sizes: number[];
  activations: string[];
  init: string[];
  biasInit: string;
  preluShared: boolean;
  architecture?: ArchitectureSpec;
  layers: {
    weight: number[][];
    bias: number[];
    slopes?: number[];
    norm?: NormEntry;
    alpha?: number;
  }[];
}

/** A normalization layer in the file (running averages for BatchNorm only). */
export interface NormEntry {
  weight: number[];
  bias: number[];
  runningMean?: number[];
  runningVar?: number[];
  batchesTracked?: number;
}

/** A network as an initlab.network JSON document (weights [out][in], like nn.Linear.weight). */
export function networkToJSON(net: Network): NetworkFile {
  return {
    format: "initlab.network",
    version: 1,
    sizes: [...net.sizes],
    activations: net.layers.slice(0, -1).map((l) => l.activation.spec),
    init: net.weightInits.map((i) => i.spec),
    biasInit: net.biasInit.spec,
    preluShared: net.spec.preluShared ?? false,
    ...(isPlain(net.architecture) ? {} : { architecture: { ...net.architecture } }),
    layers: net.layers.map((l) => {
      const weight: number[][] = [];
      for (let o = 0; o < l.outDim; o++)
        weight.push(Array.from(l.W.subarray(o * l.inDim, (o + 1) * l.inDim)));
      const entry: NetworkFile["layers"][number] = { weight, bias: Array.from(l.b) };
      if (l.slopes) entry.slopes = Array.from(l.slopes);
      const n = l.norm;
      if (n) {
        entry.norm = { weight: Array.from(n.gamma), bias: Array.from(n.beta) };
        if (n.kind === "batch") {
          entry.norm.runningMean = Array.from(n.runningMean);
          entry.norm.runningVar = Array.from(n.runningVar);
          entry.norm.batchesTracked = n.batchesTracked;
        }
      }
      if (l.alphaLearnable) entry.alpha = l.alpha[0];
      return entry;
    }),
  };
}

/**
 * A Network from an initlab.network JSON document, strictly checked: a DataError names `file`,
 * the place in the document and the problem.
 */
export function networkFromJSON(doc: unknown, file: string, backend?: Backend): Network {
  const bad = (place: string, problem: string) => new DataError(file, place, problem);
  if (typeof doc !== "object" || doc === null) throw bad("top level", "expected a JSON object");
  const d = doc as Partial<NetworkFile>;
  if (d.format !== "initlab.network")
    throw bad("format", `expected "initlab.network", found ${JSON.stringify(d.format)}`);
  if (d.version !== 1) throw bad("version", `expected 1, found ${JSON.stringify(d.version)}`);
  if (!Array.isArray(d.sizes) || d.sizes.length < 2)
    throw bad("sizes", "expected an array of at least 2 layer sizes");
  const nLayers = d.sizes.length - 1;
  if (!Array.isArray(d.layers) || d.layers.length !== nLayers) {
    throw bad(
      "layers",
      `expected ${nLayers} layers for sizes [${d.sizes.join(", ")}], found ${d.layers?.length}`,
    );
  }
  const spec: NetworkSpec = {
    sizes: d.sizes,
    activation: d.activations && d.activations.length > 0 ? d.activations : ["identity"],
    init: d.init ?? ["zeros"],
    biasInit: d.biasInit ?? "zeros",
    preluShared: d.preluShared ?? false,
    architecture: architectureOf(d.architecture, bad),
  };
  const net = new Network(spec, { backend });
  net.layers.forEach((layer, l) => {
    const src = d.layers![l];
    if (!Array.isArray(src.weight) || src.weight.length !== layer.outDim) {
      throw bad(`layers[${l}].weight`, `expected ${layer.outDim} rows, found ${src.weight?.length}`);
    }
    src.weight.forEach((row, o) => {
      if (!Array.isArray(row) || row.length !== layer.inDim) {
        throw bad(`layers[${l}].weight[${o}]`, `expected ${layer.inDim} numbers, found ${row?.length}`);
      }
      for (let i = 0; i < row.length; i++) {
        if (typeof row[i] !== "number")
          throw bad(`layers[${l}].weight[${o}][${i}]`, `not a number: ${JSON.stringify(row[i])}`);
        layer.W[o * layer.inDim + i] = row[i];
      }
    });
    if (!Array.isArray(src.bias) || src.bias.length !== layer.outDim) {
      throw bad(`layers[${l}].bias`, `expected ${layer.outDim} numbers, found ${src.bias?.length}`);
    }
    layer.b.set(src.bias);
    if (layer.slopes) {
      if (!Array.isArray(src.slopes) || src.slopes.length !== layer.slopes.length) {
        throw bad(
          `layers[${l}].slopes`,
          `expected ${layer.slopes.length} PReLU slopes, found ${src.slopes?.length}`,
        );
      }
      layer.slopes.set(src.slopes);
    }
    const norm = layer.norm;
    if (norm) {
      const place = `layers[${l}].norm`;
      const e = src.norm;
      if (typeof e !== "object" || e === null)
        throw bad(place, "missing: the architecture has normalization layers");
      norm.gamma.set(numbers(e.weight, norm.width, `${place}.weight`, bad));
      norm.beta.set(numbers(e.bias, norm.width, `${place}.bias`, bad));
      if (norm.kind === "batch") {
        norm.runningMean.set(numbers(e.runningMean, norm.width, `${place}.runningMean`, bad));
        norm.runningVar.set(numbers(e.runningVar, norm.width, `${place}.runningVar`, bad));
        norm.batchesTracked = numbers([e.batchesTracked], 1, `${place}.batchesTracked`, bad)[0];
      }
    }
    if (layer.alphaLearnable) layer.alpha[0] = numbers([src.alpha], 1, `layers[${l}].alpha`, bad)[0];
  });
  return net;
}

/** An array of `n` finite numbers, or a DataError naming the place. */
function numbers(v: unknown, n: number, place: string, bad: (p: string, m: string) => Error): number[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
    throw bad(place, `expected ${n} finite number(s)`);
  return v as number[];
}

/** The architecture of a file (absent: a plain MLP), every key checked. */
function architectureOf(
  v: unknown,
  bad: (p: string, m: string) => Error,
): Partial<ArchitectureSpec> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw bad("architecture", "expected an object");
  for (const k of Object.keys(v)) {
    if (!(ARCHITECTURE_KEYS as readonly string[]).includes(k))
      throw bad(`architecture.${k}`, `unknown key; valid: ${ARCHITECTURE_KEYS.join(", ")}`);
  }
  return v as Partial<ArchitectureSpec>;
}
