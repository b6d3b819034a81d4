import { DataError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import { type ArchitectureSpec, isPlain } from "../nn/architecture.js";
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
 * - initlab's residual/normalization module (docs/architectures.md): `layers.<l>.weight` /
 *   `layers.<l>.bias` with, per layer, `layers.<l>.norm.{weight,bias,running_mean,running_var,
 *   num_batches_tracked}` (BatchNorm1d / LayerNorm), `layers.<l>.alpha` (a learnable branch scale)
 *   and `layers.<l>.act.weight` (PReLU slopes); the network must be built with the same structure.
 * Any other tensor (a conv's 4-D weight) is rejected with its name.
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
  /** the layer's normalization and branch-scale tensors (`norm.weight`, `alpha`, ...), by their name after `<l>.` */
  extras?: Map<string, SafeTensor>;
}

/** The prefix initlab writes the initial weights under (the final ones have no prefix). */
export const INITIAL_PREFIX = "initial.";

const NAME = /^(.*?)(\d+)\.(weight|bias)$/;
/** The per-layer tensors of initlab's residual/normalization module besides weight and bias. */
const EXTRA =
  /^(.*?)(\d+)\.(norm\.weight|norm\.bias|norm\.running_mean|norm\.running_var|norm\.num_batches_tracked|alpha|act\.weight)$/;

/** Reads the Linear layers of a state_dict (see the interface comment for the accepted naming). */
export function linearLayersOf(contents: SafetensorsContents, source: string, prefix = ""): StateDictLayer[] {
  const bad = (place: string, problem: string) => new DataError(source, place, problem);
  const groups = new Map<
    number,
    { weight?: [string, SafeTensor]; bias?: [string, SafeTensor]; extras?: Map<string, SafeTensor> }
  >();
  let stem: string | null = null;
  for (const [full, t] of contents.tensors) {
    if (!full.startsWith(prefix)) continue;
    const name = full.slice(prefix.length);
    if (prefix === "" && name.startsWith(INITIAL_PREFIX)) continue;
    const m = NAME.exec(name) ?? EXTRA.exec(name);
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
    if (kind === "weight" || kind === "bias") g[kind] = [full, t];
    else (g.extras ??= new Map()).set(kind, t);
    groups.set(i, g);
  }
  if (groups.size === 0) {
    throw bad(prefix === "" ? "tensors" : `${prefix}*`, "no <i>.weight tensors: not an MLP state_dict");
  }
  const layers: StateDictLayer[] = [];
  for (const i of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(i)!;
    if (!g.weight) throw bad(g.bias?.[0] ?? `${prefix}${stem}${i}.*`, "a bias without the matching weight");
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
      ...(g.extras ? { extras: g.extras } : {}),
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
  options: { backend?: Backend; init?: string; architecture?: ArchitectureSpec; source?: string } = {},
): Network {
  const sizes = [layers[0].inDim, ...layers.map((l) => l.outDim)];
  const shared = layers.some(
    (l) => (l.slopes ?? l.extras?.get("act.weight")?.data)?.length === 1 && l.outDim > 1,
  );
  const net = new Network(
    {
      sizes,
      activation,
      init: options.init ?? "zeros",
      preluShared: shared,
      architecture: options.architecture,
    },
    options.backend ? { backend: options.backend } : {},
  );
  net.layers.forEach((layer: Dense, l) => {
    layer.W.set(layers[l].weight);
    layer.b.set(layers[l].bias);
    const s = layers[l].slopes ?? layers[l].extras?.get("act.weight")?.data;
    if (s && layer.slopes && s.length === layer.slopes.length) layer.slopes.set(s);
    setExtras(layer, layers[l], options.source ?? "state_dict");
  });
  return net;
}

/** Copies a layer's normalization and branch-scale tensors; a DataError when file and network disagree. */
function setExtras(layer: Dense, src: StateDictLayer, source: string): void {
  const extras = src.extras ?? new Map<string, SafeTensor>();
  const bad = (name: string, problem: string) =>
    new DataError(source, `${src.weightName.replace(/weight$/, "")}${name}`, problem);
  const want = new Map<
    string,
    { target: { set(a: ArrayLike<number>): void; length: number }; shape: number[] }
  >();
  const norm = layer.norm;
  if (norm) {
    want.set("norm.weight", { target: norm.gamma, shape: [norm.width] });
    want.set("norm.bias", { target: norm.beta, shape: [norm.width] });
    if (norm.kind === "batch") {
      want.set("norm.running_mean", { target: norm.runningMean, shape: [norm.width] });
      want.set("norm.running_var", { target: norm.runningVar, shape: [norm.width] });
    }
  }
  if (layer.alphaLearnable) want.set("alpha", { target: layer.alpha, shape: [1] });
  for (const name of extras.keys()) {
    if (name === "act.weight" || name === "norm.num_batches_tracked") continue;
    if (!want.has(name))
      throw bad(
        name,
        "the network has no such tensor (give the file's --norm / --residual / --branch-scale)",
      );
  }
  for (const [name, w] of want) {
    const t = extras.get(name);
    if (!t)
      throw bad(
        name,
        "missing: the network has this tensor (its --norm / --branch-scale) but the file does not",
      );
    if (t.data.length !== w.target.length)
      throw bad(name, `shape [${t.shape.join(", ")}] is not [${w.shape.join(", ")}]`);
    w.target.set(t.data);
  }
  const tracked = extras.get("norm.num_batches_tracked");
  if (norm && tracked) norm.batchesTracked = Number(tracked.data[0]);
}

/**
 * The names initlab writes a network under, nn.Sequential style: Linear layer l is module 2l
 * (an activation module sits between two Linear layers), so layer 0 is "0.weight"/"0.bias",
 * layer 1 "2.weight"/"2.bias" and so on; a PReLU layer's slopes are "<2l+1>.weight" (the
 * nn.PReLU module after it). `torch.nn.Sequential(Linear, Act, Linear, ...)` loads them with
 * `load_state_dict` as is.
 */
export function stateDictTensors(net: Network, prefix = ""): TensorToWrite[] {
  if (!isPlain(net.architecture)) return structuredTensors(net, prefix);
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

/**
 * The names of initlab's residual/normalization module (docs/architectures.md, `InitlabNet`):
 * `layers.<l>.weight`, `layers.<l>.bias`, `layers.<l>.act.weight` (PReLU), `layers.<l>.norm.*`
 * (BatchNorm1d with running_mean, running_var and num_batches_tracked, or LayerNorm) and
 * `layers.<l>.alpha` (a learnable branch scale); `load_state_dict` takes them as they are.
 */
function structuredTensors(net: Network, prefix: string): TensorToWrite[] {
  const out: TensorToWrite[] = [];
  const f32 = (name: string, data: ArrayLike<number>, shape = [data.length]) =>
    out.push({ name: `${prefix}layers.${name}`, shape, data: Float32Array.from(data) });
  for (const layer of net.layers) {
    const l = layer.index;
    f32(`${l}.weight`, layer.W, [layer.outDim, layer.inDim]);
    f32(`${l}.bias`, layer.b);
    if (layer.slopes) f32(`${l}.act.weight`, layer.slopes);
    const norm = layer.norm;
    if (norm) {
      f32(`${l}.norm.weight`, norm.gamma);
      f32(`${l}.norm.bias`, norm.beta);
      if (norm.kind === "batch") {
        f32(`${l}.norm.running_mean`, norm.runningMean);
        f32(`${l}.norm.running_var`, norm.runningVar);
        out.push({
          name: `${prefix}layers.${l}.norm.num_batches_tracked`,
          shape: [],
          data: Int32Array.of(norm.batchesTracked),
        });
      }
    }
    if (layer.alphaLearnable) f32(`${l}.alpha`, layer.alpha);
  }
  return out;
}
