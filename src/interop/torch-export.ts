import { REGRESSION_NAMES } from "../data/regression.js";
import { UserError } from "../errors.js";
import { GAIN_NONLINEARITIES, parseInit } from "../init/index.js";
import { parseActivation } from "../nn/activations.js";
import { isPlain } from "../nn/architecture.js";
import { perLayer } from "../nn/layer-specs.js";
import { architectureOf, type TrainConfig } from "../train/config.js";
import { INITLAB_VERSION } from "../version.js";
import { TORCH_MODULE_CODE, torchFixupCode, torchModuleCall } from "./torch-module.js";

/**
 * The PyTorch script of a training configuration (`initlab export torch`, the lab's "PyTorch"
 * button): a self-contained Python program (torch and numpy only) with
 * - the module: `nn.Sequential(Linear, activation, ..., Linear)`, the names initlab writes
 *   weights under ("0.weight", "2.weight", ...);
 * - the exact initialization: `torch.nn.init` calls where PyTorch has the initializer
 *   (kaiming_*, xavier_*, normal_, uniform_, trunc_normal_, orthogonal_, eye_, sparse_,
 *   constant_), explicit code from the exact distribution otherwise (lecun_*, variance_scaling,
 *   the notes' sigmoid variant), the same distributions as initlab, not the same bits (the
 *   generators differ): `--weights FILE.safetensors` loads initlab's saved initial weights so
 *   both start from the same numbers;
 * - the data: a .safetensors file written by `initlab export torch --data-out FILE` (raw
 *   features of initlab's split, labels, the shuffling order of every epoch and the probe
 *   batch), read by a hand-written reader, and initlab's preprocessing fitted on the training
 *   split in float64 (src/data/preprocess.ts);
 * - the loss, the optimizer (torch.optim.SGD / Adam, with initlab's weight decay, momentum,
 *   Nesterov), the learning-rate schedule (initlab's formula per step), gradient clipping, the
 *   training loop over initlab's batch order, and per-epoch test loss and accuracy;
 * - the step-0 probe: Var(z), Var(a) and Var(dL/dz) per layer on initlab's probe batch.
 * With `--json` the script prints one JSON document {probe, losses, epochs} instead of text.
 */
export interface TorchScriptOptions {
  /** Layer widths from input to output (the data set fixes the first and the last). */
  sizes: number[];
  /** Default path of the data file the script reads (`--data` overrides it). */
  dataFile?: string;
  /** Default path of an initlab weights file to start from (`--weights` overrides it). */
  weightsFile?: string;
}

/** Python literal of a number (full precision, Python's spelling of infinities). */
function py(x: number): string {
  if (Number.isNaN(x)) return 'float("nan")';
  if (!Number.isFinite(x)) return x > 0 ? 'float("inf")' : 'float("-inf")';
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** Python string literal (JSON's escaping is valid Python). */
function pyStr(s: string): string {
  return JSON.stringify(s);
}

/** The torch module of an activation spec (PReLU gets its width). */
export function torchActivation(spec: string, width: number, preluShared: boolean): string {
  const a = parseActivation(spec);
  const p = a.param;
  switch (a.name) {
    case "identity":
      return "nn.Identity()";
    case "sigmoid":
      return "nn.Sigmoid()";
    case "tanh":
      return "nn.Tanh()";
    case "relu":
      return "nn.ReLU()";
    case "leaky_relu":
      return `nn.LeakyReLU(${py(p ?? 0.01)})`;
    case "prelu":
      return `nn.PReLU(num_parameters=${preluShared ? 1 : width}, init=${py(p ?? 0.25)})`;
    case "elu":
      return `nn.ELU(alpha=${py(p ?? 1)})`;
    case "selu":
      return "nn.SELU()";
    case "softsign":
      return "nn.Softsign()";
    case "softplus":
      return "nn.Softplus()";
    case "gelu":
      return "nn.GELU()";
    case "silu":
      return "nn.SiLU()";
    case "hard_tanh":
      return "nn.Hardtanh()";
    default:
      throw new Error(`no PyTorch module for activation "${spec}"`);
  }
}

/** Whether PyTorch's calculate_gain gives this kaiming spec's gain (its nonlinearity, the table convention). */
function torchHasGain(a: Record<string, unknown>): boolean {
  const nonlinearity = String(a.nonlinearity ?? "leaky_relu");
  return GAIN_NONLINEARITIES.includes(nonlinearity) && (a.gain === undefined || a.gain === "table");
}

/**
 * Python statements that fill tensor `t` (a weight [out, in] or a bias [out]) like the
 * initializer `spec` with the given fans: a torch.nn.init call where PyTorch has it, else
 * explicit code drawing from the exact distribution initlab describes.
 */
export function torchInitCode(spec: string, t: string, fanIn: number, fanOut: number): string {
  const init = parseInit(spec);
  const a = init.args;
  const d = init.describe(fanIn, fanOut);
  const comment = `  # ${init.spec}: ${d.distribution}, mean ${d.mean}, std ${d.std}`;
  const num = (k: string, dflt: number) => py(typeof a[k] === "number" ? (a[k] as number) : dflt);
  switch (init.name) {
    case "zeros":
      return `nn.init.zeros_(${t})`;
    case "ones":
      return `nn.init.ones_(${t})`;
    case "constant":
      return `nn.init.constant_(${t}, ${num("value", 0)})`;
    case "uniform":
      return `nn.init.uniform_(${t}, ${num("a", 0)}, ${num("b", 1)})`;
    case "normal":
      return `nn.init.normal_(${t}, ${num("mean", 0)}, ${num("std", 1)})`;
    case "trunc_normal":
      return `nn.init.trunc_normal_(${t}, ${num("mean", 0)}, ${num("std", 1)}, ${num("a", -2)}, ${num("b", 2)})`;
    case "xavier_uniform":
    case "xavier_normal":
      return `nn.init.${init.name}_(${t}, gain=${num("gain", 1)})`;
    case "kaiming_uniform":
    case "kaiming_normal":
      // PyTorch knows only its own table of nonlinearities; other gains are drawn explicitly below
      if (!torchHasGain(a)) break;
      return `nn.init.${init.name}_(${t}, a=${num("a", 0)}, mode=${pyStr(String(a.mode ?? "fan_in"))}, nonlinearity=${pyStr(String(a.nonlinearity ?? "leaky_relu"))})`;
    case "orthogonal":
      return `nn.init.orthogonal_(${t}, gain=${num("gain", 1)})`;
    case "eye":
      return `nn.init.eye_(${t})`;
    case "sparse":
      return `nn.init.sparse_(${t}, ${num("sparsity", 0.1)}, std=${num("std", 0.01)})`;
    case "torch_default":
      return `nn.init.kaiming_uniform_(${t}, a=math.sqrt(5))${comment}`;
  }
  // Explicit code from the exact distribution.
  switch (d.distribution) {
    case "constant":
      return `nn.init.constant_(${t}, ${py(d.mean)})${comment}`;
    case "uniform":
      return `nn.init.uniform_(${t}, ${py(d.mean - (d.bound ?? 0))}, ${py(d.mean + (d.bound ?? 0))})${comment}`;
    case "normal":
      return `nn.init.normal_(${t}, ${py(d.mean)}, ${py(d.std)})${comment}`;
    case "truncated_normal": {
      // Keras-style truncation at +-2 sigma of the underlying normal: sigma = (b - a) / 4.
      const [lo, hi] = d.support ?? [-2, 2];
      const sigma = (hi - lo) / 4;
      return `nn.init.trunc_normal_(${t}, ${py(d.mean)}, ${py(sigma)}, ${py(lo)}, ${py(hi)})${comment}`;
    }
    default:
      throw new Error(`no PyTorch code for initializer "${spec}"`);
  }
}

const LOSS_CODE: Record<TrainConfig["loss"], string> = {
  cross_entropy: "F.cross_entropy(logits, y)",
  mse: "F.mse_loss(logits, F.one_hot(y, NUM_CLASSES).to(logits.dtype))",
  bce: "F.binary_cross_entropy_with_logits(logits, F.one_hot(y, NUM_CLASSES).to(logits.dtype))",
};

/** The script text; see the module comment for what it contains. */
export function torchScript(config: TrainConfig, options: TorchScriptOptions): string {
  // not written for PyTorch yet: say so rather than export a different run
  if ((REGRESSION_NAMES as readonly string[]).includes(config.data))
    throw new UserError(`the PyTorch export has no regression task yet (data ${config.data})`);
  if (config.l1 !== 0) throw new UserError(`the PyTorch export has no L1 term yet (l1 ${config.l1})`);
  const sizes = options.sizes;
  const nLayers = sizes.length - 1;
  const acts = perLayer(config.activation, Math.max(1, nLayers - 1), "activation");
  const inits = perLayer(config.init, nLayers, "init");
  const arch = architectureOf(config);
  const structured = !isPlain(arch);
  const modules: string[] = [];
  const initLines: string[] = [];
  for (let l = 0; l < nLayers; l++) {
    modules.push(`nn.Linear(${sizes[l]}, ${sizes[l + 1]})`);
    if (l < nLayers - 1) modules.push(torchActivation(acts[l], sizes[l + 1], config.preluShared));
    const t = structured ? `model.layers[${l}]` : `model[${2 * l}]`;
    initLines.push(`    ${torchInitCode(inits[l], `${t}.weight`, sizes[l], sizes[l + 1])}`);
    initLines.push(`    ${torchInitCode(config.biasInit, `${t}.bias`, sizes[l], sizes[l + 1])}`);
  }
  for (const line of torchFixupCode(sizes, arch)) initLines.push(`    ${line}`);
  const buildModel = structured
    ? `${TORCH_MODULE_CODE}

ACTIVATIONS = [
${acts.map((a, l) => `    lambda: ${torchActivation(a, sizes[Math.min(l + 1, nLayers - 1)], config.preluShared)},`).join("\n")}
]


def build_model():
    act = lambda l, width: ACTIVATIONS[l if len(ACTIVATIONS) > 1 else 0]()
    return ${torchModuleCall(sizes, arch, "act")}`
    : `def build_model():
    model = nn.Sequential(
${modules.map((m) => `        ${m},`).join("\n")}
    )
    return model`;
  const probeCode = structured ? STRUCTURED_PROBE : SEQUENTIAL_PROBE;
  const optimizer =
    config.optimizer === "adam"
      ? `torch.optim.Adam(model.parameters(), lr=LR, betas=(${py(config.beta1)}, ${py(config.beta2)}), eps=${py(config.eps)}, weight_decay=${py(config.weightDecay)})`
      : `torch.optim.SGD(model.parameters(), lr=LR, momentum=${py(config.momentum)}, nesterov=${config.nesterov ? "True" : "False"}, weight_decay=${py(config.weightDecay)})`;
  const pixels = config.data === "mnist" || config.data === "fashion-mnist";
  return `#!/usr/bin/env python3
"""PyTorch version of an initlab run, written by \`initlab export torch\` (initlab ${INITLAB_VERSION}).

Configuration: ${JSON.stringify(config)}

Needs torch and numpy. Data: a .safetensors file from \`initlab export torch --data-out FILE\`
(initlab's split, raw features, labels, batch order and probe batch). Weights: by default the
initializers below (same distributions as initlab, other random numbers); --weights FILE loads
the initial weights initlab saved with \`train --save FILE.safetensors\`.
Usage: python3 this.py [--data FILE] [--weights FILE] [--steps N] [--json]
"""
import argparse, json, math, struct, sys
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

SIZES = ${JSON.stringify(sizes)}
NUM_CLASSES = SIZES[-1]
PREPROCESS = ${pyStr(config.preprocess)}
FEATURE_KIND = ${pyStr(pixels ? "pixels" : "table")}
BATCH_SIZE = ${config.batchSize}
EPOCHS = ${config.epochs}
MAX_STEPS = ${config.maxSteps ?? "None"}
LR = ${py(config.lr)}
SCHEDULE = ${pyStr(config.schedule)}
STEP_EPOCHS, GAMMA, MIN_LR = ${config.stepEpochs}, ${py(config.gamma)}, ${py(config.minLr)}
CLIP_NORM = ${config.clipNorm === null ? "None" : py(config.clipNorm)}
EVAL_BATCH = ${config.evalBatchSize}
SEED = ${config.seed}

DTYPES = {"F64": "<f8", "F32": "<f4", "I64": "<i8", "I32": "<i4", "U8": "u1"}


def read_safetensors(path):
    """The safetensors format by hand: u64 LE header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    start = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        arr = np.frombuffer(blob[start + a : start + b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = arr
    return out


def fit_preprocess(x):
    """initlab's preprocessing (src/data/preprocess.ts), fitted on the training split in float64."""
    x = x.astype(np.float64)
    dim = x.shape[1]
    offset, scale = np.zeros(dim), np.ones(dim)
    if PREPROCESS == "raw":
        return offset, scale
    if FEATURE_KIND == "pixels" and PREPROCESS != "standardize":
        return np.full(dim, 0.0 if PREPROCESS == "unit" else 127.5), np.full(dim, 255.0 if PREPROCESS == "unit" else 127.5)
    lo, hi = x.min(axis=0), x.max(axis=0)
    rng = hi - lo
    if PREPROCESS == "standardize":
        offset, scale = x.mean(axis=0), x.std(axis=0)
    elif PREPROCESS == "unit":
        offset, scale = lo, rng
    else:
        offset, scale = (lo + hi) / 2, rng / 2
    const = ~(rng > 0)
    offset = np.where(const, lo, offset)
    scale = np.where(const, 1.0, scale)
    return offset, scale


def transform(x, offset, scale):
    return torch.from_numpy(((x.astype(np.float64) - offset) / scale).astype(np.float32))


def learning_rate(step, epoch, total_steps):
    """initlab's schedule (src/optim/schedule.ts), per step."""
    if SCHEDULE == "step":
        return LR * GAMMA ** (epoch // max(1, STEP_EPOCHS))
    if SCHEDULE == "cosine":
        T = max(1, total_steps)
        return MIN_LR + (LR - MIN_LR) * (1 + math.cos(math.pi * min(step, T) / T)) / 2
    return LR


${buildModel}


def initialize(model):
    """The initializers of the configuration (${config.init}; bias ${config.biasInit})."""
    torch.manual_seed(SEED)
    with torch.no_grad():
${initLines.map((l) => `    ${l}`).join("\n")}


def load_weights(model, path):
    """initlab's saved initial weights ("initial.*" tensors) if the file has them, else its plain names."""
    tensors = read_safetensors(path)
    initial = {k[len("initial."):]: v for k, v in tensors.items() if k.startswith("initial.")}
    chosen = initial if initial else {k: v for k, v in tensors.items() if not k.startswith("initial.")}
    model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in chosen.items()})


def loss_fn(logits, y):
    return ${LOSS_CODE[config.loss]}


${probeCode}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    ap.add_argument("--data", default=${pyStr(options.dataFile ?? "initlab-data.safetensors")})
    ap.add_argument("--weights", default=${options.weightsFile ? pyStr(options.weightsFile) : "None"})
    ap.add_argument("--steps", type=int, default=MAX_STEPS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    data = read_safetensors(args.data)
    offset, scale = fit_preprocess(data["train_x"])
    train_x, test_x = transform(data["train_x"], offset, scale), transform(data["test_x"], offset, scale)
    train_y = torch.from_numpy(data["train_y"].astype(np.int64))
    test_y = torch.from_numpy(data["test_y"].astype(np.int64))
    n = train_x.shape[0]
    model = build_model()
    initialize(model)
    if args.weights:
        load_weights(model, args.weights)
    opt = ${optimizer}
    idx = torch.from_numpy(data["probe_indices"].astype(np.int64))
    p0 = probe(model, train_x[idx], train_y[idx])
    B0 = min(BATCH_SIZE, n)
    steps_per_epoch = math.ceil(n / B0)
    total = steps_per_epoch * EPOCHS if args.steps is None else min(steps_per_epoch * EPOCHS, args.steps)
    order = data.get("order")
    losses, epochs, step = [], [], 0
    for epoch in range(EPOCHS):
        if step >= total:
            break
        if order is not None and epoch < order.shape[0]:
            perm = torch.from_numpy(order[epoch].astype(np.int64))
        else:
            perm = torch.randperm(n)
        model.train()
        for s in range(steps_per_epoch):
            if step >= total:
                break
            rows = perm[s * B0 : min((s + 1) * B0, n)]
            opt.zero_grad()
            loss = loss_fn(model(train_x[rows]), train_y[rows])
            loss.backward()
            if CLIP_NORM is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
            for g in opt.param_groups:
                g["lr"] = learning_rate(step, epoch, total)
            opt.step()
            step += 1
            losses.append(float(loss))
        model.eval()
        with torch.no_grad():
            tl, correct = 0.0, 0
            for s in range(0, test_x.shape[0], EVAL_BATCH):
                logits = model(test_x[s : s + EVAL_BATCH])
                yb = test_y[s : s + EVAL_BATCH]
                tl += float(loss_fn(logits, yb)) * yb.shape[0]
                correct += int((logits.argmax(1) == yb).sum())
            m = max(1, test_x.shape[0])
            epochs.append({"epoch": epoch + 1, "testLoss": tl / m, "testAccuracy": correct / m})
        if not args.json:
            print(f"epoch {epoch + 1}: test loss {tl / m:.4f}, test accuracy {100 * correct / m:.2f}%")
    if args.json:
        print(json.dumps({"probe": p0, "losses": losses, "epochs": epochs}))
    else:
        for i, l in enumerate(p0["layers"]):
            print(f"step 0, layer {i}: Var(z) {l['preactVar']:.6g}, Var(a) {l['actVar']:.6g}, Var(dL/dz) {l['gradVar']:.6g}")
        print(f"{step} steps, last loss {losses[-1] if losses else float('nan'):.4f}")


if __name__ == "__main__":
    main()
`;
}

/** The step-0 probe of an nn.Sequential model. */
const SEQUENTIAL_PROBE = `def probe(model, x, y):
    """Var(z), Var(a), Var(dL/dz) per layer (population variances over the batch, float64), as initlab's probes."""
    zs, acts = [], []
    h = x
    mods = list(model)
    for i, m in enumerate(mods):
        h = m(h)
        if isinstance(m, nn.Linear):
            h.retain_grad()
            zs.append(h)
            nxt = mods[i + 1] if i + 1 < len(mods) else None
            if nxt is None:
                acts.append(h)
        else:
            acts.append(h)
    loss = loss_fn(h, y)
    model.zero_grad()
    loss.backward()
    var = lambda t: float(((t.double() - t.double().mean()) ** 2).mean())
    layers = [{"preactVar": var(z), "actVar": var(a), "gradVar": var(z.grad)} for z, a in zip(zs, acts)]
    model.zero_grad()
    return {"loss": float(loss), "layers": layers}`;

/**
 * The step-0 probe of an InitlabNet: z and a of every layer from forward's trace, in training
 * mode with BatchNorm's running averages left as they were (initlab's "probe" mode).
 */
const STRUCTURED_PROBE = `def probe(model, x, y):
    """Var(z), Var(a), Var(dL/dz) per layer (population variances over the batch, float64), as initlab's probes."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm1d)]
    saved = [(m.momentum, m.num_batches_tracked.clone()) for m in bns]
    for m in bns:
        m.momentum = 0.0
    trace = []
    h = model(x, trace)
    for z, _ in trace:
        z.retain_grad()
    loss = loss_fn(h, y)
    model.zero_grad()
    loss.backward()
    for m, (mom, n) in zip(bns, saved):
        m.momentum = mom
        m.num_batches_tracked.copy_(n)
    var = lambda t: float(((t.double() - t.double().mean()) ** 2).mean())
    layers = [{"preactVar": var(z), "actVar": var(a), "gradVar": var(z.grad)} for z, a in trace]
    model.zero_grad()
    return {"loss": float(loss), "layers": layers}`;
