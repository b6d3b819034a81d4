/** The data set every other part of initlab trains and probes on. */
export type Preprocess = "raw" | "unit" | "symmetric" | "standardize";
export const PREPROCESS_MODES: readonly Preprocess[] = ["raw", "unit", "symmetric", "standardize"];

export interface Dataset {
  /** "mnist", "fashion-mnist", "circle", "xor", "gauss", "spiral", "csv:<path>" */
  name: string;
  inputDim: number;
  numClasses: number;
  classNames: string[];
  featureNames?: string[];
  /** Row-major nTrain x inputDim. */
  trainX: Float32Array;
  trainY: Int32Array;
  nTrain: number;
  testX: Float32Array;
  testY: Int32Array;
  nTest: number;
  preprocess: Preprocess;
  /** Of trainX after preprocessing, over all entries. */
  stats: { mean: number; std: number; min: number; max: number };
  image?: { width: number; height: number };
}

export interface DataOptions {
  data: string;
  preprocess?: Preprocess;
  trainLimit?: number;
  testLimit?: number;
  seed?: number;
  /** Synthetic sets: noise level 0..0.5 (TensorFlow Playground's slider). */
  noise?: number;
  /** CSV: the label column (default: the last one). */
  target?: string;
  /** Synthetic sets: examples per split (default 500). */
  nSynthetic?: number;
}

/** A split before preprocessing: features as float32, labels as class indices. */
export interface RawSplit {
  x: Float32Array;
  y: Int32Array;
  n: number;
}
