// Glorot / He / LeCun / the sigmoid variant / PyTorch's default: the papers' formulas, exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/errors.js";
import { type InitDescription, parseInit } from "../../src/init/index.js";
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
const IN = 300;
const OUT = 100;
const d = (spec: string, fanIn = IN, fanOut = OUT): InitDescription =>
  parseInit(spec).describe(fanIn, fanOut);

test("Xavier/Glorot (Glorot & Bengio 2010): r = gain sqrt(6/(in+out)), Var = gain^2 2/(in+out)", () => {
  assertClose(d("xavier_uniform").bound as number, Math.sqrt(6 / (IN + OUT)), 1e-15, "bound");
  assertClose(
    d(`xavier_uniform(gain=${5 / 3})`).bound as number,
    (5 / 3) * Math.sqrt(6 / 400),
    1e-15,
    "gain",
  );
  const n = d("xavier_normal");
  assert.equal(n.distribution, "normal"); // PyTorch's, untruncated
  assertClose(n.variance, 2 / (IN + OUT), 1e-15, "variance");
  assert.equal(parseInit("glorot_uniform(2)").spec, "xavier_uniform(gain=2)");
  assert.equal(parseInit("glorot_normal").spec, "xavier_normal(gain=1)");
});

test("He/Kaiming (He et al. 2015, eq. 10): Var = 2/fan_in for ReLU; leaky: 2/((1+a^2) fan)", () => {
  // PyTorch's defaults a=0, leaky_relu give gain sqrt(2 / (1 + 0)) = sqrt(2)
  assertClose(d("kaiming_uniform").bound as number, Math.sqrt(6 / IN), 1e-15, "default bound");
  assertClose(d("kaiming_uniform(mode=fan_out)").bound as number, Math.sqrt(6 / OUT), 1e-15, "fan_out");
  assertClose(d("kaiming_normal(nonlinearity=relu)").std, Math.sqrt(2 / IN), 1e-15, "relu std");
  assertClose(d("kaiming_normal(a=0.2)").variance, 2 / (1.04 * IN), 1e-15, "leaky 0.2");
  assertClose(d("kaiming_normal(nonlinearity=tanh)").std, 5 / 3 / Math.sqrt(IN), 1e-15, "tanh");
  assertClose(
    d("kaiming_normal(nonlinearity=linear, mode=fan_out)").std,
    1 / Math.sqrt(OUT),
    1e-15,
    "linear",
  );
});

test("he_normal / he_uniform are PyTorch's kaiming_* with nonlinearity=relu (untruncated)", () => {
  const he = parseInit("he_normal");
  assert.equal(he.name, "kaiming_normal");
  assert.equal(he.spec, "kaiming_normal(a=0, mode=fan_in, nonlinearity=relu)");
  const hd = he.describe(IN, OUT);
  assert.equal(hd.distribution, "normal");
  assertClose(hd.std, Math.sqrt(2 / IN), 1e-15, "he_normal std");
  assert.equal(
    parseInit("he_uniform(mode=fan_out)").spec,
    "kaiming_uniform(a=0, mode=fan_out, nonlinearity=relu)",
  );
  assertClose(d("he_uniform").bound as number, Math.sqrt(6 / IN), 1e-15, "he_uniform bound");
  // an explicit nonlinearity wins over the alias default
  assert.equal(parseInit("he_normal(nonlinearity=tanh)").args.nonlinearity, "tanh");
  // a negative slope without leaky_relu would be silently ignored by PyTorch: we refuse it
  assert.throws(
    () => parseInit("he_normal(a=0.1)"),
    (e: Error) => e instanceof UserError && /a=0\.1/.test(e.message),
  );
});

test("LeCun (Efficient BackProp 1998): Var = 1/fan_in; lecun_normal is Keras' truncated one", () => {
  assertClose(d("lecun_uniform").bound as number, Math.sqrt(3 / IN), 1e-15, "bound");
  const n = d("lecun_normal");
  assert.equal(n.distribution, "truncated_normal");
  assertClose(n.variance, 1 / IN, 1e-14, "variance");
  assertClose(
    (n.support as [number, number])[1],
    (2 * Math.sqrt(1 / IN)) / 0.87962566103423978,
    1e-15,
    "cut",
  );
});

test("torch_default: bound = 1/sqrt(fan_in) exactly = kaiming_uniform(a=sqrt(5)); bias the same", () => {
  for (const fanIn of [1, 2, 3, 7, 32, 100, 784, 1000, 4096]) {
    assert.equal(d("torch_default", fanIn, 10).bound, 1 / Math.sqrt(fanIn), `fan_in ${fanIn}`);
    assert.equal(d("torch_default_bias", fanIn, 10).bound, 1 / Math.sqrt(fanIn), `bias fan_in ${fanIn}`);
    assertClose(
      d("kaiming_uniform(a=sqrt(5))", fanIn, 10).bound as number,
      1 / Math.sqrt(fanIn),
      1e-15,
      "a=sqrt5",
    );
  }
  assertClose(d("torch_default").variance, 1 / (3 * IN), 1e-15, "variance");
});

test("the notes' sigmoid variant: 4x Xavier's bound and std, Var = 16 * 2/(in+out)", () => {
  assertClose(
    d("xavier_sigmoid_uniform").bound as number,
    4 * (d("xavier_uniform").bound as number),
    1e-15,
    "bound",
  );
  assertClose(d("xavier_sigmoid_normal").std, 4 * d("xavier_normal").std, 1e-15, "std");
  assertClose(d("xavier_sigmoid_normal").variance, 32 / (IN + OUT), 1e-15, "variance");
});

test("samples of every fan-scaled initializer match describe()", () => {
  const trunc = truncatedByQuadrature(-2, 2).kurtosis;
  const specs = [
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform(a=0.2, mode=fan_out)",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "xavier_sigmoid_uniform",
    "xavier_sigmoid_normal",
    "torch_default",
  ];
  specs.forEach((spec, i) => {
    const init = parseInit(spec);
    const desc = init.describe(IN, OUT);
    const m = moments(drawColumn(init, IN, OUT, N, 100 + i));
    const kurtosis: Record<string, number> = { ...KURTOSIS, truncated_normal: trunc };
    const kurt = kurtosis[desc.distribution];
    assertMean(m, 0, desc.std, spec);
    assertVariance(m, desc.variance, kurt, spec);
    if (desc.bound !== null)
      assert.ok(m.max < desc.bound && m.min >= -desc.bound, `${spec} inside its bound`);
  });
});
