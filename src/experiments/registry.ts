/**
 * The named experiments, in the order. Adding one is one import and one entry here.
 */
import { UserError } from "../errors.js";
import { dyingReluExperiment } from "./catalogue/dying-relu.js";
import { dynamicalIsometryExperiment } from "./catalogue/dynamical-isometry.js";
import { edgeOfChaosExperiment } from "./catalogue/edge-of-chaos.js";
import { explodingExperiment } from "./catalogue/exploding.js";
import { glorot2010Experiment } from "./catalogue/glorot2010.js";
import { he2015DepthExperiment } from "./catalogue/he2015-depth.js";
import { initZooExperiment } from "./catalogue/init-zoo.js";
import { lazyTrainingExperiment } from "./catalogue/lazy-training.js";
import { lsuvExperiment } from "./catalogue/lsuv.js";
import { momentsExperiment } from "./catalogue/moments.js";
import { mupDepthExperiment } from "./catalogue/mup-depth.js";
import { mupTransferExperiment } from "./catalogue/mup-transfer.js";
import { rawPixelsExperiment } from "./catalogue/raw-pixels.js";
import { residualDepthExperiment } from "./catalogue/residual-depth.js";
import { saxeOrthogonalExperiment } from "./catalogue/saxe-orthogonal.js";
import { vanishingDepthExperiment } from "./catalogue/vanishing-depth.js";
import { varianceFlowExperiment } from "./catalogue/variance-flow.js";
import type { Experiment } from "./harness/types.js";

export const EXPERIMENTS: readonly Experiment[] = [
  rawPixelsExperiment,
  vanishingDepthExperiment,
  explodingExperiment,
  dyingReluExperiment,
  momentsExperiment,
  varianceFlowExperiment,
  initZooExperiment,
  glorot2010Experiment,
  he2015DepthExperiment,
  saxeOrthogonalExperiment,
  lsuvExperiment,
  edgeOfChaosExperiment,
  dynamicalIsometryExperiment,
  mupTransferExperiment,
  lazyTrainingExperiment,
  mupDepthExperiment,
  residualDepthExperiment,
].sort((a, b) => a.order - b.order);

export const EXPERIMENT_NAMES: readonly string[] = EXPERIMENTS.map((e) => e.name);

/** The experiment named `name`; throws a UserError listing the valid names. */
export function getExperiment(name: string): Experiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (!e)
    throw new UserError(`unknown experiment "${name}"; valid: ${EXPERIMENT_NAMES.join(", ")}, or "all"`);
  return e;
}

/** `all` or a comma-separated list of names, in registry order for `all`. */
export function selectExperiments(spec: string): Experiment[] {
  if (spec === "all") return [...EXPERIMENTS];
  return spec.split(",").map((s) => getExperiment(s.trim()));
}
