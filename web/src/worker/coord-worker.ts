/// <reference lib="webworker" />
import { TsBackend } from "../../../src/kernels/ts-backend.js";
import type { ParametrizationName } from "../../../src/nn/parametrization.js";
import { coordCheck, coordVerdicts } from "../../../src/train/coord-check.js";
import { type CoordAnswer, type CoordRequest, LAB_COORD } from "../coord-protocol.js";
import { toTrainConfig } from "../state-config.js";
import { buildDataset } from "./dataset.js";

/**
 * The coordinate-check worker: `coordCheck` of src/train/coord-check.ts (the code of `initlab
 * param coord-check`) on the lab's data set and settings, for SP, muP (and NTK when the lab's
 * run uses it) at the widths of LAB_COORD, on the TypeScript backend (small networks, a few
 * steps: no kernels to load). Its own worker, so the training worker's run is never held up.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (ev: MessageEvent<CoordRequest>) => {
  const msg = ev.data;
  const post = (m: CoordAnswer) => scope.postMessage(m);
  try {
    const t0 = performance.now();
    const depth = Math.max(1, Math.min(LAB_COORD.maxDepth, msg.state.hidden.length));
    const samples = Math.min(LAB_COORD.maxSamples, msg.state.samples);
    // A plain MLP: the check is about width (residual blocks and normalization are left out).
    const lab = toTrainConfig({
      ...msg.state,
      samples,
      hidden: Array.from({ length: depth }, () => LAB_COORD.widths[0]),
      residual: 0,
      branchScale: "one",
      branchInit: "standard",
      norm: "none",
    });
    // As the CLI's coordinate check: plain SGD steps, the zero readout `mup` recommends, base width = the smallest width.
    const base = {
      ...lab,
      momentum: 0,
      readoutZero: true,
      baseWidth: LAB_COORD.widths[0],
      probeBatch: LAB_COORD.probeBatch,
    };
    const dataset = buildDataset(msg.state, lab, msg.dataBytes);
    const parametrizations: ParametrizationName[] =
      msg.state.parametrization === "ntk" ? ["sp", "ntk", "mup"] : ["sp", "mup"];
    const result = coordCheck({
      base,
      widths: [...LAB_COORD.widths],
      depth,
      steps: LAB_COORD.steps,
      seeds: Array.from({ length: LAB_COORD.seeds }, (_, i) => base.seed + i),
      parametrizations,
      dataset,
      backend: new TsBackend(),
    });
    post({
      type: "coord-result",
      id: msg.id,
      result,
      verdicts: coordVerdicts(result),
      seconds: (performance.now() - t0) / 1000,
    });
  } catch (e) {
    post({ type: "coord-error", id: msg.id, message: (e as Error)?.message ?? String(e) });
  }
};
