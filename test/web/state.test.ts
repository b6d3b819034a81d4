import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { PRESETS } from "../../web/src/presets.js";
import {
  BACKENDS,
  DEFAULT_STATE,
  dataShape,
  FIELDS,
  LAB_DATASETS,
  type LabState,
  LOSSES,
  OPTIMIZERS,
  PREPROCESS_MODES,
  parseUrl,
  toUrl,
} from "../../web/src/state.js";
import { toTrainConfig } from "../../web/src/state-config.js";

const SPECS = [
  "he_normal",
  "xavier_uniform",
  "kaiming_uniform(a=sqrt(5), mode=fan_out)",
  "normal(std=0.05)",
  "constant(-1)",
  "zeros",
];
const ACTS = ["relu", "tanh", "sigmoid", "leaky_relu(0.2)", "prelu", "selu"];

const stateArb: fc.Arbitrary<LabState> = fc
  .record({
    data: fc.constantFrom(...LAB_DATASETS),
    preprocess: fc.constantFrom(...PREPROCESS_MODES),
    noise: fc.double({ min: 0, max: 0.5, noNaN: true }),
    features: fc.constantFrom("x1,x2", "x1,x2,x1sq,x2sq,x1x2,sin1,sin2", "x1x2,sin2"),
    samples: fc.integer({ min: 10, max: 500 }),
    hidden: fc.array(fc.integer({ min: 1, max: 256 }), { maxLength: 12 }),
    activation: fc.constantFrom(...ACTS),
    init: fc.constantFrom(...SPECS),
    biasInit: fc.constantFrom(...SPECS),
    optimizer: fc.constantFrom(...OPTIMIZERS),
    lr: fc.double({ min: 1e-7, max: 100, noNaN: true }),
    momentum: fc.double({ min: 0, max: 0.999, noNaN: true }),
    weightDecay: fc.double({ min: 0, max: 10, noNaN: true }),
    l1: fc.double({ min: 0, max: 10, noNaN: true }),
    batchSize: fc.integer({ min: 1, max: 512 }),
    loss: fc.constantFrom(...LOSSES),
    seed: fc.integer({ min: 0, max: 4294967295 }),
    steps: fc.integer({ min: 1, max: 1_000_000 }),
    probeEvery: fc.integer({ min: 1, max: 1000 }),
    probeBatch: fc.integer({ min: 8, max: 1024 }),
    backend: fc.constantFrom(...BACKENDS),
    warmupSteps: fc.integer({ min: 0, max: 100000 }),
    parametrization: fc.constantFrom("sp", "ntk", "mup"),
    baseWidth: fc.integer({ min: 1, max: 2048 }),
    readoutZero: fc.boolean(),
    residual: fc.integer({ min: 0, max: 2 }),
    branchScale: fc.constantFrom("one", "const", "inv_sqrt_depth", "rezero", "skipinit"),
    branchConst: fc.double({ min: 0, max: 10, noNaN: true }),
    branchInit: fc.constantFrom("standard", "fixup"),
    norm: fc.constantFrom("none", "batch", "layer"),
    normPlace: fc.constantFrom("pre", "post"),
  })
  // a residual network needs equal widths and 1 + m k hidden layers; branch scale and Fixup need residual blocks
  .map((s) =>
    s.residual > 0 &&
    (s.hidden.length < 1 + s.residual ||
      (s.hidden.length - 1) % s.residual !== 0 ||
      s.hidden.some((w) => w !== s.hidden[0]))
      ? { ...s, residual: 0, branchScale: "one" as const, branchInit: "standard" as const }
      : s.residual === 0
        ? { ...s, branchScale: "one" as const, branchInit: "standard" as const }
        : s,
  );

test("a link reproduces the state exactly (A alone, and A with B)", () => {
  fc.assert(
    fc.property(stateArb, fc.option(stateArb, { nil: null }), (a, b) => {
      const back = parseUrl(`?${toUrl(a, b, null)}`);
      assert.deepEqual(back.problems, []);
      assert.deepEqual(back.a, { ...a });
      assert.deepEqual(back.b, b ? { ...b } : null);
    }),
    { numRuns: 300 },
  );
});

test("the default state gives an empty query; the preset id survives", () => {
  assert.equal(toUrl(DEFAULT_STATE, null, null), "");
  const p = parseUrl(`?${toUrl(DEFAULT_STATE, null, "sigmoid-8-layers")}`);
  assert.equal(p.preset, "sigmoid-8-layers");
  assert.equal(parseUrl("?preset=../../x").preset, null);
});

test("bad values in a link are reported and replaced by defaults", () => {
  const p = parseUrl("?depth=-3&lr=abc&act=relu;alert(1)&data=imagenet&width=12");
  assert.deepEqual(p.a.hidden, [12, 12, 12, 12], "the old keys: a bad depth keeps the default's");
  assert.equal(p.a.lr, DEFAULT_STATE.lr);
  assert.equal(p.a.activation, DEFAULT_STATE.activation);
  assert.equal(p.a.data, DEFAULT_STATE.data);
  assert.equal(p.problems.length, 4);
  assert.match(p.problems.join("\n"), /hidden layers: "-3"/);
  assert.match(p.problems.join("\n"), /data set: "imagenet" is not one of/);
});

test("per-layer widths in a link: a list or runs, the old depth and width keys, bad lists named", () => {
  assert.deepEqual(parseUrl("?hidden=8,4x2,3").a.hidden, [8, 4, 4, 3]);
  assert.deepEqual(parseUrl("?hidden=none").a.hidden, []);
  assert.equal(toUrl({ ...DEFAULT_STATE, hidden: [8, 4, 4, 3] }, null, null), "hidden=8%2C4x2%2C3");
  assert.deepEqual(parseUrl("?depth=3&width=8").a.hidden, [8, 8, 8], "a link made before per-layer widths");
  assert.deepEqual(parseUrl("?depth=2&width=8&hidden=5,6").a.hidden, [5, 6], "hidden wins");
  for (const [raw, why] of [
    ["8,,4", /is not a list of widths/],
    ["0,4", /is not a list of widths/],
    ["4096", /width 4096 is over the lab's limit of 2048/],
    ["2x101", /101 layers, over the lab's limit of 100/],
    ["<b>x</b>", /is not a list of widths/],
  ] as const) {
    const p = parseUrl(`?hidden=${encodeURIComponent(raw)}`);
    assert.deepEqual(p.a.hidden, DEFAULT_STATE.hidden, raw);
    assert.equal(p.problems.length, 1, raw);
    assert.match(p.problems[0], why);
  }
});

test("specs in a link are checked by the library's parsers", () => {
  const p = parseUrl("?init=foo(2)&bias=normal(std=-1)&act=leaky_relu(0.2)&b.act=nope&cmp=1");
  assert.equal(p.a.init, DEFAULT_STATE.init);
  assert.equal(p.a.biasInit, DEFAULT_STATE.biasInit);
  assert.equal(p.a.activation, "leaky_relu(0.2)");
  assert.equal(p.b?.activation, "leaky_relu(0.2)", "B falls back to A's value");
  assert.match(p.problems.join("\n"), /init: unknown initializer "foo"/);
  assert.match(p.problems.join("\n"), /B: activation: unknown activation "nope"/);
  assert.equal(p.problems.length, 3);
});

test("input features in a link are checked by the settings table's rule", () => {
  const p = parseUrl("?feat=x1,x2,x1sq&b.feat=x1,x3&cmp=1");
  assert.equal(p.a.features, "x1,x2,x1sq");
  assert.equal(p.b?.features, "x1,x2,x1sq", "B falls back to A's value");
  assert.match(p.problems.join("\n"), /B: input features: unknown feature "x3"; valid: x1, x2, x1sq/);
  assert.equal(p.problems.length, 1);
});

test("a link cannot ask for a network over the size limits", () => {
  for (const shape of ["depth=100&width=2048", "hidden=2048x100"]) {
    const p = parseUrl(`?data=mnist&${shape}&batch=4096`);
    assert.deepEqual(p.a.hidden, DEFAULT_STATE.hidden, shape);
    assert.match(p.problems.join("\n"), /over the limit/, shape);
  }
});

test("every field has a distinct URL key, and every state resolves to a TrainConfig", () => {
  assert.equal(new Set(FIELDS.map((f) => f.url)).size, FIELDS.length);
  assert.equal(new Set(FIELDS.map((f) => f.key)).size, Object.keys(DEFAULT_STATE).length);
  fc.assert(
    fc.property(stateArb, (s) => {
      const c = toTrainConfig(s);
      assert.deepEqual(c.hidden, s.hidden);
      assert.equal(c.maxSteps, s.steps);
      assert.equal(c.trainLimit, s.samples);
    }),
    { numRuns: 100 },
  );
});

test("every preset is a valid state and round-trips through its link", () => {
  for (const p of PRESETS) {
    const b = p.compare ? { ...p.state, ...p.compare } : null;
    const back = parseUrl(`?${toUrl(p.state, b, p.id)}`);
    assert.deepEqual(back.problems, [], p.id);
    assert.deepEqual(back.a, p.state, p.id);
    assert.deepEqual(back.b, b, p.id);
    assert.doesNotThrow(() => toTrainConfig(p.state), p.id);
  }
});

test("a 2-D set's input width is its number of features (the fans and the size check use it)", () => {
  assert.deepEqual(dataShape("mnist"), { inputDim: 784, numClasses: 10 });
  assert.deepEqual(dataShape("spiral", "x1,x2"), { inputDim: 2, numClasses: 2 });
  assert.deepEqual(dataShape("spiral", "x1,x2,x1sq,x2sq,sin1"), { inputDim: 5, numClasses: 2 });
  const s = { ...parseUrl("").a, data: "spiral" as const, features: "x1,x2,x1x2" };
  assert.equal(toTrainConfig(s).features, "x1,x2,x1x2");
  assert.equal(dataShape(s.data, s.features).inputDim, 3);
});
