import type { BlockProbe, NormProbe } from "../../src/probe/types.js";
import type { LabState } from "./state.js";

/**
 * Messages between the page and the training worker, and the per-layer view model the worker
 * derives from a probe snapshot (plain numbers and typed arrays: cheap to post, easy to draw).
 */

/** Shared control words (Int32Array over a SharedArrayBuffer). */
export const CTRL_TARGET = 0; // the worker may run while its step < target
export const CTRL_STOP = 1; // non-zero: the run is over (a reset); the worker stops it and waits for the next
export const CTRL_WORDS = 2;
/** The step target of a run without a limit (the largest the Int32 control word holds). */
export const UNLIMITED_STEPS = 2 ** 31 - 1;

export interface StartMessage {
  type: "start";
  /** The run's id: the worker tags every message of this run with it. */
  run: number;
  state: LabState;
  /** Image data sets: the server's binary form (dataset-codec.ts); null for the 2-D sets. */
  dataBytes: ArrayBuffer | null;
  /** WebAssembly kernels (shared-memory and plain builds); null for the TypeScript backend. */
  wasm: { shared: ArrayBuffer | null; plain: ArrayBuffer | null } | null;
  /** null when the page is not cross-origin isolated (then: no pause, no single steps). */
  ctrl: SharedArrayBuffer | null;
}

/** Without shared memory: begin training (the worker then runs to the end). */
export interface GoMessage {
  type: "go";
}

export type ToWorker = StartMessage | GoMessage;

/**
 * A histogram with equal bins from lo to hi, of the values ("linear") or of log10|value|
 * ("log10abs", exact zeros counted apart); under / over count the values outside [lo, hi).
 */
export interface Histogram {
  scale: "linear" | "log10abs";
  lo: number;
  hi: number;
  counts: Float32Array;
  under: number;
  over: number;
  zeros: number;
}

export interface LayerView {
  /** Layer index from 0, as in `initlab inspect` and the parameter names (the output layer is the last). */
  layer: number;
  fanIn: number;
  fanOut: number;
  activation: string;
  /** Measured over the probe batch. */
  preMean: number;
  preVar: number;
  actMean: number;
  actVar: number;
  /** Var(dL/dz) of the batch-mean loss. */
  gradVar: number;
  /** ||dL/dW|| (Frobenius). */
  weightGradNorm: number;
  /** The theory's Var(z) and Var(dL/dz) for this layer, or null where it has none. */
  predPreVar: number | null;
  predGradVar: number | null;
  /**
   * Fraction of units dead (phi' = 0 for the whole batch; ReLU family) and of entries saturated
   * (|phi'| < 5% of its max; sigmoid, tanh, ...); null where the notion does not apply.
   */
  dead: number | null;
  saturated: number | null;
  actHist: Histogram;
  gradHist: Histogram;
}

export interface MeanFieldView {
  activation: string;
  sigmaW2: number;
  sigmaB2: number;
  qStar: number;
  chi1: number;
  phase: "ordered" | "critical" | "chaotic" | "exploding";
  /** sigma_w^2 at which chi_1 = 1 for this sigma_b^2 (NaN if none). */
  criticalSigmaW2: number;
  trainableDepth: number;
  /** What the one-layer phase leaves out on a residual or normalized network (null: a plain MLP). */
  scope?: string | null;
}

export interface ProbeView {
  step: number;
  /** Batch-mean loss of the probe batch. */
  probeLoss: number;
  layers: LayerView[];
  testLoss: number | null;
  testAccuracy: number | null;
  diagnosis: string[];
  recommendations: string[];
  /**
   * Residual networks: every block as `initlab inspect` measures it (src/probe/block-probe.ts);
   * in a live run `predictedStreamSecond` is the step-0 theory carried forward. Null without blocks.
   */
  blocks: BlockProbe[] | null;
  /** Normalized networks: every normalization layer's input statistics and parameters; null without. */
  norms: NormProbe[] | null;
}

/**
 * The Jacobian-spectrum panel's data (web/src/worker/jacobian-view.ts): the singular values of J of
 * the hidden stack on one training example, binned by log10 (edges in log10 units), with the
 * free-probability moments of the initialization; `skipped` says why there is none (too costly, too shallow).
 */
export interface JacobianView {
  step: number;
  skipped: string | null;
  depth: number;
  size: number;
  lo: number;
  hi: number;
  edges: number[];
  counts: number[];
  meanSquare: number;
  variance: number;
  max: number;
  min: number;
  theory: { meanSquare: number; variance: number } | null;
}

export interface ReadyInfo {
  backend: string;
  sizes: number[];
  params: number;
  nTrain: number;
  nTest: number;
  numClasses: number;
  meanField: MeanFieldView | null;
  /** 2-D sets: test points for the decision-boundary plot, and the plotted box. */
  points: { x: Float32Array; y: Int32Array; box: [number, number, number, number] } | null;
  paused: boolean;
  /** The network is drawn unit by unit (neuronViewFits, 2-D data, a plain MLP): "units" messages follow. */
  neuronView: boolean;
  /** How many runs this worker has started, this one included (1: a new worker). */
  runInWorker: number;
}

/**
 * The neuron-level network view (TensorFlow Playground's) is drawn for small networks on 2-D
 * data only: at most NEURON_VIEW.maxUnits units in every hidden layer and NEURON_VIEW.maxLayers
 * hidden layers (Playground's own limits: 8 and 6), plain MLPs. Wider or deeper networks, image
 * data and residual or normalized networks get the per-layer view.
 */
export const NEURON_VIEW = { maxUnits: 8, maxLayers: 6, maxInputs: 8 } as const;

/** Whether a network of these sizes (input, hidden..., output) gets the neuron-level view. */
export function neuronViewFits(sizes: readonly number[]): boolean {
  const hidden = sizes.slice(1, -1);
  return (
    sizes.length >= 2 &&
    sizes[0] <= NEURON_VIEW.maxInputs &&
    sizes[sizes.length - 1] <= NEURON_VIEW.maxUnits &&
    hidden.length <= NEURON_VIEW.maxLayers &&
    hidden.every((w) => w <= NEURON_VIEW.maxUnits)
  );
}

/**
 * What every unit of a small network computes over the 2-D data's plane: for each column
 * (the inputs, each hidden layer, the output) units x m x m values (row 0 at the box's bottom,
 * as the decision boundary), the column's colour scale, and every layer's weights.
 */
export interface UnitsView {
  step: number;
  /** Side of each unit's map. */
  m: number;
  /** Per column: units x m x m values (inputs: the coordinates; hidden: activations; output: see `output`). */
  maps: Float32Array[];
  /** Per column: the largest |value| of its maps (the colours run from -scale to +scale). */
  scales: number[];
  /** Per layer l = 0..L-1: W [out][in] row-major (PyTorch's layout). */
  weights: Float32Array[];
  /** Per layer: its bias vector. */
  biases: Float32Array[];
}

export type FromWorker =
  | { type: "ready"; info: ReadyInfo }
  /** The batch loss of consecutive steps first..first+losses.length-1. */
  | {
      type: "steps";
      first: number;
      losses: Float64Array;
      samplesPerSecond: number;
      wallSamplesPerSecond: number;
    }
  | { type: "probe"; probe: ProbeView }
  | { type: "jacobian"; view: JacobianView }
  /** Class-1 probability (2 classes) or predicted class + confidence, on an n x n grid over `box`. */
  | { type: "boundary"; step: number; n: number; classes: Uint8Array; confidence: Float32Array }
  /** Small networks on 2-D data (neuronViewFits): every unit's map over the plane, the weights. */
  | { type: "units"; units: UnitsView }
  | { type: "paused"; step: number }
  | { type: "done"; step: number; diverged: boolean; divergedAtStep: number | null; samplesPerSecond: number }
  | { type: "error"; message: string };
