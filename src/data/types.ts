/** The preprocessing modes; see `preprocess.ts` for the exact map of each. */
export type Preprocess = "raw" | "unit" | "symmetric" | "standardize";

/** Summary statistics over every entry of a matrix (population std, computed in float64). */
export interface DataStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/**
 * A data set, already split and preprocessed. Rows are examples, stored row-major: example i,
 * feature j is `trainX[i * inputDim + j]`. Classification (the default): labels are class indices
 * 0..numClasses-1. Regression (`task: "regression"`, the sets plane and multi-gauss): one real
 * target per example in `targets`, numClasses is 1 (the network's single linear output), and the
 * labels index the targets (see `targets`).
 */
export interface Dataset {
  /** "mnist", "fashion-mnist", "circle", "xor", "gauss", "spiral" or "csv:<path as given>". */
  name: string;
  /** Features per example: 784 for images, 2 for the synthetic sets. */
  inputDim: number;
  numClasses: number;
  classNames: string[];
  featureNames?: string[];
  trainX: Float32Array;
  trainY: Int32Array;
  nTrain: number;
  testX: Float32Array;
  testY: Int32Array;
  nTest: number;
  preprocess: Preprocess;
  /** "regression" for the regression sets; absent for classification. */
  task?: "regression";
  /**
   * Regression only: the target of every example, the nTrain training examples then the nTest
   * test examples. trainY[i] = i and testY[i] = nTrain + i: a label is the example's index into
   * `targets`, so batches and probe batches gather targets exactly as they gather class labels
   * and the regression loss (`getLoss("mse", targets)`) reads them through the label.
   */
  targets?: Float32Array;
  /**
   * The 2-D sets: the raw points (x1, x2 as generated, before features and preprocessing) and
   * the map from a point to the network's input (`planeInputs` in src/data/plane.ts), for
   * drawing the network's output over the plane.
   */
  plane?: PlaneMap;
  /** Of trainX after preprocessing, over all entries. */
  stats: DataStats;
  /** Present for image sets: the row-major pixel grid of one example. */
  image?: { width: number; height: number };
}

/** How a point of the plane becomes a network input: its features, then the fitted preprocessing. */
export interface PlaneMap {
  /** n x 2, row-major: the training points, then `testPoints` the test points. */
  trainPoints: Float32Array;
  testPoints: Float32Array;
  /** The feature names (features.ts), in input-column order. */
  features: string[];
  /** The preprocessing, per input column: x' = (x - offset[j]) / scale[j]. */
  offset: number[];
  scale: number[];
}

export interface DataOptions {
  /** A name of DATASET_NAMES, or "csv:PATH". */
  data: string;
  /** Default "standardize". */
  preprocess?: Preprocess;
  /** Keep only the first N training examples of the split (the whole split when absent). */
  trainLimit?: number;
  /** Keep only the first N test examples of the split. */
  testLimit?: number;
  /** Seeds the synthetic generators and the CSV split (default 0). MNIST and Fashion-MNIST ignore it. */
  seed?: number;
  /** Synthetic sets only: Playground's noise, 0..0.5 (default 0). */
  noise?: number;
  /** CSV only: the label column (default: the last column). */
  target?: string;
  /** Synthetic sets only: the input features, e.g. "x1,x2,x1x2" (features.ts; default "x1,x2"). */
  features?: string;
  /** Synthetic sets only: examples per split, train and test each (default 500). */
  nSynthetic?: number;
}

/** A split of 8-bit images with their labels, as shipped (before preprocessing). */
export interface ImageSplit {
  /** n x (width * height) pixels 0..255, row-major. */
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
}

export interface ImageSource {
  train: ImageSplit;
  test: ImageSplit;
  width: number;
  height: number;
  classNames: string[];
}
