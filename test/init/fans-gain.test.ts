// computeFans (PyTorch _calculate_fan_in_and_fan_out) and calculateGain (PyTorch's table).
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/errors.js";
import { calculateGain, computeFans, GAIN_NONLINEARITIES } from "../../src/init/index.js";

test("computeFans: [out, in] and [out, in, ...kernel] as PyTorch", () => {
  assert.deepEqual(computeFans([64, 32]), { fanIn: 32, fanOut: 64 });
  assert.deepEqual(computeFans([16, 8, 3, 3]), { fanIn: 72, fanOut: 144 });
  assert.deepEqual(computeFans([3, 4, 5]), { fanIn: 20, fanOut: 15 });
  assert.deepEqual(computeFans([2, 3, 4, 5, 6]), { fanIn: 360, fanOut: 240 });
  assert.deepEqual(computeFans([5, 0]), { fanIn: 0, fanOut: 5 });
});

test("computeFans rejects fewer than 2 dimensions and bad dimensions, naming the shape", () => {
  assert.throws(
    () => computeFans([10]),
    (e: Error) => e instanceof UserError && /\[10\]/.test(e.message),
  );
  assert.throws(() => computeFans([]), UserError);
  assert.throws(() => computeFans([3, 2.5]), /2\.5/);
  assert.throws(() => computeFans([3, -1]), /-1/);
});

test("calculateGain: PyTorch's table", () => {
  const ones = ["linear", "identity", "conv1d", "conv2d", "conv3d", "sigmoid"];
  for (const n of [...ones, "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"])
    assert.equal(calculateGain(n), 1, n);
  assert.equal(calculateGain("tanh"), 5 / 3);
  assert.equal(calculateGain("relu"), Math.SQRT2);
  assert.equal(calculateGain("selu"), 0.75);
  // leaky_relu: sqrt(2 / (1 + a^2)), default a = 0.01; a = 0 gives ReLU's sqrt(2)
  assert.equal(calculateGain("leaky_relu"), Math.sqrt(2 / 1.0001));
  assert.equal(calculateGain("leaky_relu", 0), Math.SQRT2);
  assert.equal(calculateGain("leaky_relu", 0.2), Math.sqrt(2 / 1.04));
  assert.ok(Math.abs(calculateGain("leaky_relu", Math.sqrt(5)) - 1 / Math.sqrt(3)) < 1e-15);
  assert.equal(calculateGain("leaky_relu", 1), 1);
  // PyTorch ignores the parameter for every other nonlinearity
  assert.equal(calculateGain("relu", 0.5), Math.SQRT2);
});

test("calculateGain: unknown name is a UserError listing the valid names", () => {
  assert.throws(
    () => calculateGain("gelu"),
    (e: Error) =>
      e instanceof UserError &&
      e.message.includes('"gelu"') &&
      GAIN_NONLINEARITIES.every((n) => e.message.includes(n)),
  );
  assert.throws(() => calculateGain("leaky_relu", Number.NaN), UserError);
});
