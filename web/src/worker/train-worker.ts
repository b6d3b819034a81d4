/// <reference lib="webworker" />
import { isPlain } from "../../../src/nn/architecture.js";
import { getLoss } from "../../../src/nn/losses.js";
import { networkPhase } from "../../../src/probe/inspect.js";
import { buildNetwork, evaluate, train } from "../../../src/train/trainer.js";
import {
  CTRL_STOP,
  CTRL_TARGET,
  type FromWorker,
  neuronViewFits,
  type StartMessage,
  type ToWorker,
  UNLIMITED_STEPS,
} from "../protocol.js";
import { toTrainConfig } from "../state-config.js";
import { keptBackend, keptBackendUsed } from "./backend.js";
import { boundaryGrid, pointsOf } from "./boundary-grid.js";
import { buildDataset } from "./dataset.js";
import { JacobianViewer } from "./jacobian-view.js";
import { LossStream } from "./loss-stream.js";
import { ProbeViewer } from "./probe-view.js";
import { unitMaps } from "./unit-maps.js";

/**
 * The training worker: the same engine as the CLI (`train` from src/train, the same network,
 * initializers, optimizer and kernels), so the page never freezes and a run here is the run the
 * CLI makes with the same configuration. Pausing and single steps go through a shared control
 * word: the worker blocks (Atomics.wait) between steps while its step count has reached the target.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
/** The run whose messages are being posted (each message is tagged with it). */
let current = 0;
const post = (m: FromWorker, transfer: Transferable[] = []) =>
  scope.postMessage({ ...m, run: current }, transfer);
let go: (() => void) | null = null;
/** Runs one after the other: a reset's next run starts once the stopped one has returned. */
let queue: Promise<void> = Promise.resolve();
let runsHere = 0;

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === "start") {
    queue = queue.then(() => {
      current = msg.run;
      return run(msg).catch((e) => post({ type: "error", message: (e as Error)?.message ?? String(e) }));
    });
  } else if (msg.type === "go") go?.();
};

/** Test examples evaluated at each probe (test loss and accuracy). */
const EVAL_EXAMPLES = 500;
const BOUNDARY_N = 64;

async function run(msg: StartMessage): Promise<void> {
  const state = msg.state;
  const ctrl = msg.ctrl ? new Int32Array(msg.ctrl) : null;
  /** The page has moved on (a reset): this run ends at once. */
  const stopped = () => ctrl !== null && Atomics.load(ctrl, CTRL_STOP) !== 0;
  if (stopped()) return;
  const abort = new AbortController();
  // With a control word the page says where to stop (the step limit, then further when the user
  // continues, or never): the trainer itself runs without a limit. The numbers do not change:
  // the lab's runs have a constant learning rate, the only use of the step count besides stopping.
  const config = ctrl ? { ...toTrainConfig(state), maxSteps: UNLIMITED_STEPS } : toTrainConfig(state);
  const dataset = buildDataset(state, config, msg.dataBytes);
  let backend = await keptBackend(state.backend, msg.wasm);
  let net: ReturnType<typeof buildNetwork>;
  try {
    net = buildNetwork(config, dataset, backend);
  } catch {
    // the kept backend's memory is full of earlier runs' buffers: a fresh one
    backend = await keptBackend(state.backend, msg.wasm, true);
    net = buildNetwork(config, dataset, backend);
  }
  const params = net.params().reduce((a, p) => a + p.value.length, 0);
  keptBackendUsed(params);
  const loss = getLoss(config.loss, dataset.targets);
  const viewer = new ProbeViewer();
  const jacobians = new JacobianViewer();
  const nEval = Math.min(EVAL_EXAMPLES, dataset.nTest);
  const points = dataset.plane || dataset.inputDim === 2 ? pointsOf(dataset) : null;
  let lastBoundary = -1e9;
  // a plain MLP only: in residual blocks and normalized layers a layer's cache is not its unit's output
  const small = points !== null && neuronViewFits(net.sizes) && isPlain(net.architecture);
  const postBoundary = (step: number) => {
    if (!points) return;
    lastBoundary = performance.now();
    const g = boundaryGrid(net, points.box, BOUNDARY_N, dataset);
    post({ type: "boundary", step, n: BOUNDARY_N, ...g }, [g.classes.buffer, g.confidence.buffer]);
    if (small) {
      // the boundary's forward pass left every layer's activations on the grid in its cache
      const units = unitMaps(net, BOUNDARY_N, step);
      post(
        { type: "units", units },
        [...units.maps, ...units.weights, ...units.biases].map((a) => a.buffer),
      );
    }
  };
  post({
    type: "ready",
    info: {
      backend: backend.name,
      sizes: [...net.sizes],
      params,
      nTrain: dataset.nTrain,
      nTest: dataset.nTest,
      numClasses: dataset.numClasses,
      meanField: networkPhase(net),
      points,
      paused: ctrl !== null,
      neuronView: small,
      runInWorker: ++runsHere,
    },
  });

  const stream = new LossStream(post);
  let pausedMs = 0;
  const hold = (step: number) => {
    if (!ctrl) return;
    let announced = false;
    for (;;) {
      if (stopped()) {
        abort.abort();
        return;
      }
      const target = Atomics.load(ctrl, CTRL_TARGET);
      if (step < target) return;
      stream.flush();
      if (!announced) {
        // the decision boundary of the step where the run stops
        if (step > 0) postBoundary(step);
        post({ type: "paused", step });
      }
      announced = true;
      const t = performance.now();
      Atomics.wait(ctrl, CTRL_TARGET, target);
      pausedMs += performance.now() - t;
    }
  };
  if (!ctrl) await new Promise<void>((resolve) => (go = resolve));

  const t0 = performance.now();
  const record = train(config, {
    dataset,
    backend,
    network: net,
    signal: abort.signal,
    hooks: {
      onProbe(ctx, rec, inspection) {
        if (stopped()) return;
        // the page keeps what it needs; the worker's record would otherwise grow without bound
        rec.probes.length = 0;
        rec.findings.length = 0;
        const ev = evaluate(ctx.net, loss, dataset.testX, dataset.testY, nEval, nEval, dataset.targets);
        // a regression run has no accuracy (its test loss is the MSE)
        const view = viewer.view(inspection, dataset.targets ? { loss: ev.loss, accuracy: Number.NaN } : ev);
        stream.flush();
        post({ type: "probe", probe: view });
        const jv = jacobians.view(ctx.net, dataset, ctx.step);
        if (jv) post({ type: "jacobian", view: jv });
        if (performance.now() - lastBoundary > 150 || ctx.step >= config.maxSteps! || ctx.step === 0)
          postBoundary(ctx.step);
        if (ctx.step === 0) hold(0);
      },
      onStep(s) {
        if (stopped()) {
          abort.abort();
          return;
        }
        const wall = (performance.now() - t0 - pausedMs) / 1000;
        stream.push(s.step, s.loss, s.samplesPerSecond, wall > 0 ? (s.step * config.batchSize) / wall : 0);
        if (s.step < s.totalSteps) hold(s.step);
      },
    },
  });
  if (abort.signal.aborted) return;
  stream.flush();
  post({
    type: "done",
    step: record.final.steps,
    diverged: record.final.diverged,
    divergedAtStep: record.final.divergedAtStep,
    samplesPerSecond: record.final.samplesPerSecond,
  });
}
