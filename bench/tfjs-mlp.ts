import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Workload } from "./workloads.js";

type TF = typeof import("@tensorflow/tfjs");

/** Loads TensorFlow.js core with the named backend ("wasm" or "cpu"); null (with a reason) when not installed. */
export async function loadTfjs(backend: "wasm" | "cpu"): Promise<{ tf: TF } | { skip: string }> {
  try {
    const require = createRequire(import.meta.url);
    // The umbrella package (CommonJS build): it registers the gradients and the cpu backend.
    const tf = require("@tensorflow/tfjs") as TF;
    if (backend === "wasm") {
      const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
      const dir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
      wasm.setWasmPaths(`${dir}/dist/`);
    }
    const ok = await tf.setBackend(backend);
    if (!ok) return { skip: `TensorFlow.js backend ${backend} failed to initialize` };
    await tf.ready();
    return { tf };
  } catch (e) {
    return { skip: `TensorFlow.js ${backend} not installed (${(e as Error).message.split("\n")[0]})` };
  }
}

/** TensorFlow.js training throughput: the same MLP, softmax cross-entropy, SGD momentum 0.9, median of repeats. */
export function measureTfjs(tf: TF, w: Workload, seconds: number, repeats: number): number {
  const vars: import("@tensorflow/tfjs").Variable[] = [];
  for (let l = 0; l < w.sizes.length - 1; l++) {
    const bound = Math.sqrt(6 / (w.sizes[l] + w.sizes[l + 1]));
    vars.push(tf.variable(tf.randomUniform([w.sizes[l], w.sizes[l + 1]], -bound, bound, "float32", 1 + l)));
    vars.push(tf.variable(tf.zeros([w.sizes[l + 1]])));
  }
  const C = w.sizes[w.sizes.length - 1];
  const x = tf.randomNormal([w.batch, w.sizes[0]], 0, 1, "float32", 7);
  const y = tf.oneHot(
    tf.randomUniform([w.batch], 0, C, "int32", 8) as import("@tensorflow/tfjs").Tensor1D,
    C,
  );
  const act = (t: import("@tensorflow/tfjs").Tensor) =>
    w.activation === "relu" ? tf.relu(t) : w.activation === "tanh" ? tf.tanh(t) : tf.sigmoid(t);
  const opt = tf.train.momentum(0.01, 0.9);
  const step = () => {
    const cost = opt.minimize(
      () => {
        let h: import("@tensorflow/tfjs").Tensor = x;
        for (let l = 0; l < vars.length; l += 2) {
          h = tf.add(tf.matMul(h, vars[l]), vars[l + 1]);
          if (l < vars.length - 2) h = act(h);
        }
        return tf.losses.softmaxCrossEntropy(y, h) as import("@tensorflow/tfjs").Scalar;
      },
      true,
      vars,
    );
    cost?.dataSync();
    cost?.dispose();
  };
  for (let i = 0; i < 3; i++) step();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 300) {
    step();
    n++;
  }
  const per = Math.max(2, Math.round((n * (seconds / repeats)) / 0.3));
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    for (let i = 0; i < per; i++) step();
    rates.push((per * w.batch) / ((performance.now() - t) / 1000));
  }
  for (const v of vars) v.dispose();
  x.dispose();
  y.dispose();
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}
