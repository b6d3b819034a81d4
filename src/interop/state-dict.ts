import { DataError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import type { Dense } from "../nn/dense.js";
import { Network } from "../nn/network.js";
import type { SafeTensor, SafetensorsContents, TensorToWrite } from "./safetensors.js";

/**
 * A PyTorch MLP `state_dict` as initlab layers. Accepted naming (docs/interop.md):
 * - `nn.Sequential`: `<i>.weight` and `<i>.bias` with integer module indices i (e.g. 0, 2, 4 when
 *   activations sit between the Linear layers), optionally under one common prefix such as
 *   `net.` or `model.layers.` (`net.0.weight`);
 * - named `nn.Linear` attributes: `<name><k>.weight` / `<name><k>.bias` whose names end in an
 *   integer k giving the order (`fc1`, `fc2`, `fc3`; `hidden0`, `hidden1`, `out` is NOT accepted:
 *   the order of names without a number is unknown), under an optional common prefix.
 * Layers are ordered by i or k. Each weight is 2-D [out, in] like `nn.Linear.weight`; a bias is
 * 1-D [out] (a missing bias, `bias=False`, is zero); layer l's `in` must equal layer l-1's `out`.
 * Any other tensor (a BatchNorm's `running_mean`, a conv's 4-D weight) is rejected with its name.
 * `prefix` selects the tensors under it (initlab's own files keep the initial weights under
 * `initial.`); tensors under other prefixes that initlab writes (`initial.` when not selected)
 * are ignored.
 */
export interface StateDictLayer {
  /** the tensor names the layer came from */
  weightName: string;
  biasName: string | null;
  inDim: number;
  outDim: number;
  weight: Float32Array;
  bias: Float32Array;
  /** nn.PReLU slopes of the module after this layer (a 1-D `<i>.weight` without a bias), if any */
  slopes?: Float32Array;
}

/** The prefix initlab writes the initial weights under (the final ones have no prefix). */
export const INITIAL_PREFIX = "initial.";

const NAME = /^(.*?)(\d+)\.(weight|bias)$/;

/** Reads the Linear layers of a state_dict (see the interface comment for the accepted naming). */
export function linearLayersOf(contents: SafetensorsContents, source: string, prefix = ""): StateDictLayer[] {
  const bad = (place: string, problem: string) => new DataError(source, place, problem);
  const groups = new Map<number, { weight?: [string, SafeTensor]; bias?: [string, SafeTensor] }>();
  let stem: string | null = null;
  for (const [full, t] of contents.tensors) {
    if (!full.startsWith(prefix)) continue;
    const name = full.slice(prefix.length);
    if (prefix === "" && name.startsWith(INITIAL_PREFIX)) continue;
    const m = NAME.exec(name);
    if (!m) {
      throw bad(
        full,
        "not an nn.Linear parameter: initlab reads MLP state_dicts named <i>.weight / <i>.bias (nn.Sequential) or <name><k>.weight / <name><k>.bias (docs/interop.md)",
      );
    }
    const [, s, idx, kind] = m;
    // nn.Sequential "0.weight" has stem "", "net.0.weight" has "net."; attributes "fc1.weight" have "fc".
    if (stem === null) stem = s;
    else if (s !== stem) {
      throw bad(full, `does not share the prefix "${prefix}${stem}" of the other layers' names`);
    }
    const i = Number(idx);
    const g = groups.get(i) ?? {};
    g[kind as "weight" | "bias"] = [full, t];
    groups.set(i, g);
  }
  if (groups.size === 0) {
    throw bad(prefix === "" ? "tensors" : `${prefix}*`, "no <i>.weight tensors: not an MLP state_dict");
  }
  const layers: StateDictLayer[] = [];
  for (const i of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(i)!;
    if (!g.weight) throw bad(g.bias![0], "a bias without the matching weight");
    const [wName, w] = g.weight;
    const prev = layers[layers.length - 1];
    if (w.shape.length === 1 && !g.bias && prev && !prev.slopes) {
      if (w.shape[0] !== 1 && w.shape[0] !== prev.outDim) {
        throw bad(wName, `PReLU slopes of shape [${w.shape[0]}]: expected [1] or [${prev.outDim}]`);
      }
      prev.slopes = toFloat32(w.data);
      continue;
    }
    if (w.shape.length !== 2) {
      throw bad(wName, `shape [${w.shape.join(", ")}] is not a 2-D [out, in] nn.Linear weight`);
    }
    const [outDim, inDim] = w.shape;
    if (outDim < 1 || inDim < 1) throw bad(wName, `shape [${w.shape.join(", ")}] has an empty dimension`);
    if (prev && prev.outDim !== inDim) {
      throw bad(
        wName,
        `has ${inDim} inputs but the previous layer ${prev.weightName} has ${prev.outDim} outputs`,
      );
    }
    let bias: Float32Array = new Float32Array(outDim);
    if (g.bias) {
      const [bName, b] = g.bias;
      if (b.shape.length !== 1 || b.shape[0] !== outDim) {
        throw bad(bName, `shape [${b.shape.join(", ")}] is not [${outDim}], the outputs of ${wName}`);
      }
      bias = toFloat32(b.data);
    }
    layers.push({
      weightName: wName,
      biasName: g.bias ? g.bias[0] : null,
      inDim,
      outDim,
      weight: toFloat32(w.data),
      bias,
    });
  }
  return layers;
}

function toFloat32(d: SafeTensor["data"]): Float32Array {
  return d instanceof Float32Array ? d : Float32Array.from(d);
}

/**
 * A Network with the layers of a state_dict: sizes from the tensors, `activation` for the hidden
 * layers (the output layer is linear, as in every initlab network). `init` is only recorded (the
 * weights come from the file); PReLU slopes keep their default.
 */
export function networkFromStateDict(
  layers: StateDictLayer[],
  activation: string | string[],
  options: { backend?: Backend; init?: string } = {},
): Network {
  const sizes = [layers[0].inDim, ...layers.map((l) => l.outDim)];
  const shared = layers.some((l) => l.slopes?.length === 1 && l.outDim > 1);
  const net = new Network(
    { sizes, activation, init: options.init ?? "zeros", preluShared: shared },
    options.backend ? { backend: options.backend } : {},
  );
  net.layers.forEach((layer: Dense, l) => {
    layer.W.set(layers[l].weight);
    layer.b.set(layers[l].bias);
    const s = layers[l].slopes;
    if (s && layer.slopes && s.length === layer.slopes.length) layer.slopes.set(s);
  });
  return net;
}

/**
 * The names initlab writes a network under, nn.Sequential style: Linear layer l is module 2l
 * (an activation module sits between two Linear layers), so layer 0 is "0.weight"/"0.bias",
 * layer 1 "2.weight"/"2.bias" and so on; a PReLU layer's slopes are "<2l+1>.weight" (the
 * nn.PReLU module after it). `torch.nn.Sequential(Linear, Act, Linear, ...)` loads them with
 * `load_state_dict` as is.
 */
export function stateDictTensors(net: Network, prefix = ""): TensorToWrite[] {
  const out: TensorToWrite[] = [];
  for (const layer of net.layers) {
    const m = 2 * layer.index;
    out.push({
      name: `${prefix}${m}.weight`,
      shape: [layer.outDim, layer.inDim],
      data: Float32Array.from(layer.W),
    });
    out.push({ name: `${prefix}${m}.bias`, shape: [layer.outDim], data: Float32Array.from(layer.b) });
    if (layer.slopes) {
      out.push({
        name: `${prefix}${m + 1}.weight`,
        shape: [layer.slopes.length],
        data: Float32Array.from(layer.slopes),
      });
    }
  }
  return out;
}
