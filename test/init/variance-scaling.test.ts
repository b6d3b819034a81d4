// varianceScaling: Keras semantics, exactly, and the 0.8796 truncation correction.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/errors.js";
import { KERAS_TRUNCATION_STD, parseInit, varianceScaling } from "../../src/init/index.js";
import {
  assertClose,
  assertMean,
  assertVariance,
  drawColumn,
  KURTOSIS,
  moments,
  truncatedByQuadrature,
} from "./helpers.js";

const N = 200_000;
const FAN_IN = 300;
const FAN_OUT = 100;
const FANS = { fan_in: FAN_IN, fan_out: FAN_OUT, fan_avg: (FAN_IN + FAN_OUT) / 2 } as const;
const TRUNC2 = truncatedByQuadrature(-2, 2);

test("describe(): Var = scale / n; uniform bound sqrt(3 scale / n); truncated support +-2 sigma", () => {
  for (const mode of ["fan_in", "fan_out", "fan_avg"] as const) {
    const n = FANS[mode];
    const target = Math.sqrt(2.5 / n);
    const u = varianceScaling({ scale: 2.5, mode, distribution: "uniform" }).describe(FAN_IN, FAN_OUT);
    assertClose(u.std, target, 1e-15, `${mode} uniform std`);
    assertClose(u.bound as number, Math.sqrt((3 * 2.5) / n), 1e-15, `${mode} uniform bound`);
    const g = varianceScaling({ scale: 2.5, mode, distribution: "untruncated_normal" }).describe(
      FAN_IN,
      FAN_OUT,
    );
    assert.equal(g.distribution, "normal");
    assertClose(g.std, target, 1e-15, `${mode} normal std`);
    const t = varianceScaling({ scale: 2.5, mode, distribution: "truncated_normal" }).describe(
      FAN_IN,
      FAN_OUT,
    );
    assert.equal(t.distribution, "truncated_normal");
    assert.equal(t.bound, null);
    assertClose(t.std, target, 1e-15, `${mode} truncated std (the correction makes it exact)`);
    const sigma = target / 0.87962566103423978;
    assertClose((t.support as [number, number])[1], 2 * sigma, 1e-15, `${mode} truncation point`);
  }
});

test("truncated_normal samples have variance scale / n (TensorFlow.js without the correction: 0.77x)", () => {
  const init = varianceScaling({ scale: 2, mode: "fan_in", distribution: "truncated_normal" });
  const target = 2 / FAN_IN;
  const m = moments(drawColumn(init, FAN_IN, FAN_OUT, N, 21));
  assertMean(m, 0, Math.sqrt(target), "mean");
  assertVariance(m, target, TRUNC2.kurtosis, "variance");
  // the check has the power to see the missing correction: 0.8796^2 = 0.7737 is far outside it
  const tol = 5 * Math.sqrt((TRUNC2.kurtosis - 1) / N);
  assert.ok(1 - KERAS_TRUNCATION_STD ** 2 > 10 * tol);
  const sigma = Math.sqrt(target) / KERAS_TRUNCATION_STD;
  assert.ok(m.max <= 2 * sigma && m.min >= -2 * sigma, "inside +-2 sigma");
  assert.ok(m.max > 1.99 * sigma && m.min < -1.99 * sigma, "reaches +-2 sigma");
});

test("uniform and untruncated_normal samples match Var = scale / n", () => {
  for (const distribution of ["uniform", "untruncated_normal"] as const) {
    const init = varianceScaling({ scale: 0.5, mode: "fan_avg", distribution });
    const d = init.describe(FAN_IN, FAN_OUT);
    const m = moments(drawColumn(init, FAN_IN, FAN_OUT, N, 22));
    assertMean(m, 0, d.std, distribution);
    assertVariance(
      m,
      0.5 / 200,
      distribution === "uniform" ? KURTOSIS.uniform : KURTOSIS.normal,
      distribution,
    );
    if (d.bound !== null) {
      assert.ok(m.max < d.bound && m.min >= -d.bound);
      assert.ok(m.max > d.bound * (1 - 40 / N) && m.min < -d.bound * (1 - 40 / N));
    }
  }
});

test("Keras' exact he_normal / glorot_normal / lecun_normal are variance_scaling specs", () => {
  const heKeras = parseInit("variance_scaling(2, fan_in, truncated_normal)");
  assert.equal(heKeras.spec, "variance_scaling(scale=2, mode=fan_in, distribution=truncated_normal)");
  assertClose(heKeras.describe(FAN_IN, FAN_OUT).std, Math.sqrt(2 / FAN_IN), 1e-15, "keras he_normal");
  const glorotKeras = parseInit("variance_scaling(mode=fan_avg)").describe(FAN_IN, FAN_OUT);
  assertClose(glorotKeras.std, Math.sqrt(2 / (FAN_IN + FAN_OUT)), 1e-15, "keras glorot_normal");
  assertClose(
    parseInit("variance_scaling").describe(FAN_IN, 1).std,
    parseInit("lecun_normal").describe(FAN_IN, 1).std,
    1e-15,
    "lecun",
  );
});

test("a zero fan is treated as 1, as Keras does (no division by zero)", () => {
  const d = varianceScaling({ scale: 1, mode: "fan_in", distribution: "uniform" }).describe(0, 5);
  assert.equal(d.bound, Math.sqrt(3));
});

test("bad options are UserErrors naming the value and the valid choices", () => {
  const bad = (opts: object, re: RegExp) =>
    assert.throws(
      () => varianceScaling({ scale: 1, mode: "fan_in", distribution: "uniform", ...opts } as never),
      (e: Error) => e instanceof UserError && re.test(e.message),
    );
  bad({ scale: -1 }, /scale=-1.*> 0/);
  bad({ scale: 0 }, /scale=0/);
  bad({ mode: "fan_sum" }, /mode=fan_sum.*fan_in, fan_out, fan_avg/);
  bad({ distribution: "normal" }, /distribution=normal.*truncated_normal, untruncated_normal, uniform/);
});
