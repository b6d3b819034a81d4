import { REGRESSION_NAMES } from "./regression.js";
import { SYNTHETIC_NAMES } from "./synthetic.js";

/** The fixed data set names (browser-safe); a CSV file is named "csv:PATH" besides these. */
export const DATASET_NAMES: readonly string[] = [
  "mnist",
  "fashion-mnist",
  ...SYNTHETIC_NAMES,
  ...REGRESSION_NAMES,
];

/** The 2-D sets (points of the plane: noise and input features apply): classification, then regression. */
export const PLANE_NAMES: readonly string[] = [...SYNTHETIC_NAMES, ...REGRESSION_NAMES];
