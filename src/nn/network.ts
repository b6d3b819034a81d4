import { UserError } from "../errors.js";
import { applyFixup } from "../init/fixup.js";
import { type Initializer, parseInit } from "../init/index.js";
import type { DataInitReport } from "../init/lsuv.js";
import type { Backend, FloatArray } from "../kernels/backend.js";
import { TsBackend } from "../kernels/ts-backend.js";
import { Rng } from "../tensor/rng.js";
import type { Activation } from "./activation.js";
import { parseActivation } from "./activations.js";
import {
  type ArchitectureSpec,
  blockCount,
  checkArchitecture,
  initialBranchScale,
  isPlain,
  learnableScale,
  PLAIN_ARCHITECTURE,
} from "./architecture.js";
import { type Alloc, Dense, type Param } from "./dense.js";
import { activationsFor, initsFor } from "./layer-specs.js";
import { type NetworkMode, NormLayer } from "./norm-layer.js";

export { splitTopLevel } from "./layer-specs.js";

export interface NetworkSpec {
  /** Layer widths from input to output, e.g. [784, 256, 256, 10]. */
  sizes: number[];
  /** One activation spec for every hidden layer, or one per hidden layer. The output layer is linear. */
  activation: string | string[];
  /** Weight initializer spec for every layer (e.g. "he_normal"), or one per layer. */
  init: string | string[];
  /** Bias initializer spec (default "zeros"). */
  biasInit?: string;
  /** PReLU: one slope shared by the layer instead of one per unit. */
  preluShared?: boolean;
  /**
   * Residual blocks and normalization layers (src/nn/architecture.ts, docs/architectures.md);
   * absent = a plain MLP. Missing keys take PLAIN_ARCHITECTURE's values.
   */
  architecture?: Partial<ArchitectureSpec>;
  /**
   * The specs above already parsed (resolveConfigParsed gives them): the network uses these
   * instead of parsing the strings again. Must agree with the strings.
   */
  parsed?: { activations: Activation[]; inits: Initializer[]; biasInit: Initializer };
}

export interface NetworkOptions {
  backend?: Backend;
  /** "float64" runs on the TypeScript backend in double precision (gradient checks). */
  dtype?: "float32" | "float64";
}

/**
 * A multi-layer perceptron: Dense layers with one activation each; the last layer is linear
 * (its outputs are logits). Forward and backward are explicit, one batch at a time.
 */
export class Network {
  readonly layers: Dense[];
  readonly backend: Backend;
  readonly dtype: "float32" | "float64";
  readonly weightInits: Initializer[];
  readonly biasInit: Initializer;
  /** What a data-dependent initializer (lsuv) did after `initialize`, set by applyDataDependentInit's caller. */
  dataInit: DataInitReport | null = null;
  /** The residual and normalization structure (PLAIN_ARCHITECTURE for a plain MLP). */
  readonly architecture: ArchitectureSpec;
  /** The normalization layers, one per hidden layer (empty without normalization). */
  readonly norms: NormLayer[];
  /** The residual blocks: the indices of their dense layers, first to last (empty for a plain MLP). */
  readonly blocks: number[][];
  private modeValue: NetworkMode = "probe";
  private input: FloatArray;
  private inputCapacity = 0;
  private readonly alloc: Alloc;

  constructor(
    readonly spec: NetworkSpec,
    options: NetworkOptions = {},
  ) {
    const sizes = spec.sizes;
    if (sizes.length < 2)
      throw new UserError(`a network needs at least an input and an output size, got [${sizes.join(", ")}]`);
    for (const s of sizes) {
      if (!Number.isInteger(s) || s < 1)
        throw new UserError(`layer sizes must be positive integers, got ${s} in [${sizes.join(", ")}]`);
    }
    this.dtype = options.dtype ?? "float32";
    this.backend = this.dtype === "float64" ? new TsBackend() : (options.backend ?? new TsBackend());
    const backend = this.backend;
    this.alloc = this.dtype === "float64" ? (n) => new Float64Array(n) : (n) => backend.alloc(n);
    const nLayers = sizes.length - 1;
    const acts: Activation[] = spec.parsed?.activations ?? activationsFor(spec.activation, nLayers - 1);
    this.weightInits = spec.parsed?.inits ?? initsFor(spec.init, nLayers);
    this.biasInit = spec.parsed?.biasInit ?? parseInit(spec.biasInit ?? "zeros");
    if (acts.length < Math.max(1, nLayers - 1) || this.weightInits.length !== nLayers) {
      throw new Error(
        `network: ${acts.length} activations / ${this.weightInits.length} initializers for ${nLayers} layers`,
      );
    }
    const identity = parseActivation("identity");
    this.layers = [];
    for (let l = 0; l < nLayers; l++) {
      const act = l === nLayers - 1 ? identity : acts[l];
      this.layers.push(
        new Dense(l, sizes[l], sizes[l + 1], act, this.backend, this.alloc, spec.preluShared ?? false),
      );
    }
    this.architecture = { ...PLAIN_ARCHITECTURE, ...spec.architecture };
    this.norms = [];
    this.blocks = [];
    this.wire();
    this.input = this.alloc(0);
  }

  /** Connects the residual blocks and the normalization layers (nothing for a plain MLP). */
  private wire(): void {
    const a = this.architecture;
    checkArchitecture(this.sizes.slice(1, -1), a);
    if (isPlain(a)) return;
    const hidden = this.layers.slice(0, -1);
    if (a.norm !== "none") {
      for (const layer of hidden) {
        const norm = new NormLayer(a.norm, layer.index, layer.outDim, this.backend, this.alloc);
        layer.norm = norm;
        layer.normPlace = a.normPlace;
        this.norms.push(norm);
      }
    }
    const m = a.residual;
    const L = blockCount(this.sizes, a);
    for (let b = 0; b < L; b++) {
      const first = 1 + b * m;
      const last = first + m - 1;
      this.blocks.push(Array.from({ length: m }, (_, i) => first + i));
      const end = this.layers[last];
      const src = this.layers[first - 1];
      end.skipFrom = src;
      src.skipTo = end;
      end.alphaLearnable = learnableScale(a.branchScale);
      end.alpha[0] = initialBranchScale(a, L);
    }
  }

  /**
   * The mode (NetworkMode): "train" (batch statistics, running averages updated), "probe" (batch
   * statistics, nothing updated; the default) or "eval" (running averages). Only BatchNorm reads it.
   */
  get mode(): NetworkMode {
    return this.modeValue;
  }
  set mode(m: NetworkMode) {
    this.modeValue = m;
    for (const n of this.norms) n.mode = m;
  }

  get sizes(): number[] {
    return this.spec.sizes;
  }
  get inputDim(): number {
    return this.spec.sizes[0];
  }
  get outputDim(): number {
    return this.spec.sizes[this.spec.sizes.length - 1];
  }

  /**
   * Draws every weight and bias from the initializers with the named stream
   * Rng.derive(seed, "init"), layer by layer from the input: the same seed gives the same bits.
   */
  initialize(seed: number): this {
    const rng = Rng.derive(seed, "init");
    for (const layer of this.layers) {
      const shape = { rows: layer.outDim, cols: layer.inDim, fanIn: layer.inDim, fanOut: layer.outDim };
      this.weightInits[layer.index].fill(layer.W, shape, rng);
      this.biasInit.fill(
        layer.b,
        { rows: layer.outDim, cols: 1, fanIn: layer.inDim, fanOut: layer.outDim },
        rng,
      );
    }
    if (!isPlain(this.architecture)) this.resetStructure();
    return this;
  }

  /** Gamma 1, beta 0, running averages reset, alpha at its start value; then Fixup when asked. */
  private resetStructure(): void {
    for (const n of this.norms) n.reset();
    const alpha = initialBranchScale(this.architecture, this.blocks.length);
    for (const b of this.blocks) this.layers[b[b.length - 1]].alpha[0] = alpha;
    if (this.architecture.branchInit === "fixup") applyFixup(this);
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  /** Forward pass over B rows of x (copied into the network's own input buffer); returns the logits [B x out]. */
  forward(x: FloatArray, B: number): FloatArray {
    const n = B * this.inputDim;
    if (x.length < n)
      throw new Error(`forward: input has ${x.length} values, need ${n} (${B} x ${this.inputDim})`);
    const input = this.inputBuffer(B);
    if (x.length === n) input.set(x);
    else for (let i = 0; i < n; i++) input[i] = x[i];
    return this.forwardInput(B);
  }

  /**
   * The network's own input buffer, with room for B rows: fill its first B rows, then call
   * forwardInput(B). Saves a copy in the training loop (the batch is gathered straight into it).
   */
  inputBuffer(B: number): FloatArray {
    if (B > this.inputCapacity) {
      this.input = this.alloc(B * this.inputDim);
      this.inputCapacity = B;
    }
    return this.input;
  }

  /** Forward pass over the first B rows of inputBuffer(); returns the logits [B x out]. */
  forwardInput(B: number): FloatArray {
    let h: FloatArray = this.input;
    for (const layer of this.layers) h = layer.forward(h, B);
    return h;
  }

  /** Backward pass from dL/dlogits of the batch-mean loss; fills every parameter gradient. */
  backward(dLogits: FloatArray): void {
    let d = dLogits;
    for (let l = this.layers.length - 1; l >= 0; l--) d = this.layers[l].backward(d, l > 0);
  }

  get logits(): FloatArray {
    return this.layers[this.layers.length - 1].Z;
  }
}
