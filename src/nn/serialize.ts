import { DataError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import { Network, type NetworkSpec } from "./network.js";

/**
 * The network file format (JSON), documented in docs/network-format.md:
 * { "format": "initlab.network", "version": 1, "sizes": [784, 256, 10],
 *   "activations": ["relu"], "init": ["he_normal", "he_normal"], "biasInit": "zeros", "preluShared": false,
 *   "layers": [ { "weight": [[w_00, ..., w_0,in-1], ...out rows], "bias": [...out], "slopes": [...] (PReLU only) } ] }
 * Weights are [out][in], like PyTorch's nn.Linear.weight, so a file converts to a state_dict directly.
 */
export interface NetworkFile {
  format: "initlab.network";
  version: 1;
  sizes: number[];
  activations: string[];
  init: string[];
  biasInit: string;
  preluShared: boolean;
  layers: { weight: number[][]; bias: number[]; slopes?: number[] }[];
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
    layers: net.layers.map((l) => {
      const weight: number[][] = [];
      for (let o = 0; o < l.outDim; o++)
        weight.push(Array.from(l.W.subarray(o * l.inDim, (o + 1) * l.inDim)));
      const entry: NetworkFile["layers"][number] = { weight, bias: Array.from(l.b) };
      if (l.slopes) entry.slopes = Array.from(l.slopes);
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
  });
  return net;
}
