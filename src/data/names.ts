import { SYNTHETIC_NAMES } from "./synthetic.js";

/** The fixed data set names (browser-safe); a CSV file is named "csv:PATH" besides these. */
export const DATASET_NAMES: readonly string[] = ["mnist", "fashion-mnist", ...SYNTHETIC_NAMES];
