/// <reference lib="webworker" />
import { getLoss } from "../../../src/nn/losses.js";
import { networkPhase } from "../../../src/probe/inspect.js";
import { buildNetwork, evaluate, train } from "../../../src/train/trainer.js";
import { CTRL_TARGET, type FromWorker, type StartMessage, type ToWorker } from "../protocol.js";
import { toTrainConfig } from "../state-config.js";
import { makeBackend } from "./backend.js";
import { boundaryGrid, pointsOf } from "./boundary-grid.js";
import { buildDataset } from "./dataset.js";
import { LossStream } from "./loss-stream.js";
import { ProbeViewer } from "./probe-view.js";

/**
 * The training worker: the same engine as the CLI (`train` from src/train, the same network,
 * initializers, optimizer and kernels), so the page never freezes and a run here is the run the
 * CLI makes with the same configuration. Pausing and single steps go through a shared control
 * word: the worker blocks (Atomics.wait) between steps while its step count has reached the target.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
let go: (() => void) | null = null;

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === "start")
    run(msg).catch((e) => post({ type: "error", message: (e as Error)?.message ?? String(e) }));
  else if (msg.type === "go") go?.();
};

/** Test examples evaluated at each probe (test loss and accuracy). */
const EVAL_EXAMPLES = 500;
const BOUNDARY_N = 64;

async function run(msg: StartMessage): Promise<void> {
  const state = msg.state;
  const config = toTrainConfig(state);
  const dataset = buildDataset(state, config, msg.dataBytes);
  const backend = await makeBackend(state.backend, msg.wasm);
  const net = buildNetwork(config, dataset, backend);
  const loss = getLoss(config.loss);
  const viewer = new ProbeViewer();
  const nEval = Math.min(EVAL_EXAMPLES, dataset.nTest);
  const points = dataset.inputDim === 2 ? pointsOf(dataset) : null;
  const ctrl = msg.ctrl ? new Int32Array(msg.ctrl) : null;
  post({
    type: "ready",
    info: {
      backend: backend.name,
      sizes: [...net.sizes],
      params: net.params().reduce((a, p) => a + p.value.length, 0),
      nTrain: dataset.nTrain,
      nTest: dataset.nTest,
      numClasses: dataset.numClasses,
      meanField: networkPhase(net),
      points,
      paused: ctrl !== null,
    },
  });

  const stream = new LossStream(post);
  let pausedMs = 0;
  const hold = (step: number) => {
    if (!ctrl) return;
    let announced = false;
    for (;;) {
      const target = Atomics.load(ctrl, CTRL_TARGET);
      if (step < target) return;
      stream.flush();
      if (!announced) post({ type: "paused", step });
      announced = true;
      const t = performance.now();
      Atomics.wait(ctrl, CTRL_TARGET, target);
      pausedMs += performance.now() - t;
    }
  };
  if (!ctrl) await new Promise<void>((resolve) => (go = resolve));

  let lastBoundary = -1e9;
  const t0 = performance.now();
  const record = train(config, {
    dataset,
    backend,
    network: net,
    hooks: {
      onProbe(ctx, rec, inspection) {
        // the page keeps what it needs; the worker's record would otherwise grow without bound
        rec.probes.length = 0;
        rec.findings.length = 0;
        const ev = evaluate(ctx.net, loss, dataset.testX, dataset.testY, nEval, nEval);
        const view = viewer.view(inspection, ev);
        stream.flush();
        post({ type: "probe", probe: view });
        const now = performance.now();
        if (points && (now - lastBoundary > 150 || ctx.step >= config.maxSteps! || ctx.step === 0)) {
          lastBoundary = now;
          const g = boundaryGrid(ctx.net, points.box, BOUNDARY_N);
          post({ type: "boundary", step: ctx.step, n: BOUNDARY_N, ...g }, [
            g.classes.buffer,
            g.confidence.buffer,
          ]);
        }
        if (ctx.step === 0) hold(0);
      },
      onStep(s) {
        const wall = (performance.now() - t0 - pausedMs) / 1000;
        stream.push(s.step, s.loss, s.samplesPerSecond, wall > 0 ? (s.step * config.batchSize) / wall : 0);
        if (s.step < s.totalSteps) hold(s.step);
      },
    },
  });
  stream.flush();
  post({
    type: "done",
    step: record.final.steps,
    diverged: record.final.diverged,
    divergedAtStep: record.final.divergedAtStep,
    samplesPerSecond: record.final.samplesPerSecond,
  });
  backend.dispose();
}
