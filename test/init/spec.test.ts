// Spec strings: grammar, errors that name the bad value and list the choices, round trips (fast-check).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { UserError } from "../../src/errors.js";
import { type Initializer, listInitializers, parseInit } from "../../src/init/index.js";

function throwsUser(spec: string, ...parts: (string | RegExp)[]): void {
  assert.throws(
    () => parseInit(spec),
    (e: Error) => {
      assert.ok(e instanceof UserError, `${spec}: ${e.name} is not a UserError`);
      for (const p of parts) {
        const ok = typeof p === "string" ? e.message.includes(p) : p.test(e.message);
        assert.ok(ok, `${spec}: message "${e.message}" lacks ${p}`);
      }
      return true;
    },
  );
}

test("grammar: positional and keyword args, case, whitespace, numbers, sqrt()", () => {
  const canon = "kaiming_uniform(a=0.2, mode=fan_out, nonlinearity=leaky_relu)";
  for (const s of [
    canon,
    "kaiming_uniform(0.2, fan_out)",
    "  KAIMING_UNIFORM ( 0.2 ,MODE = Fan_Out )  ",
    "kaiming_uniform(mode=fan_out, a=2e-1)",
    "kaiming_uniform(.2, nonlinearity=leaky_relu, mode=fan_out)",
    "kaiming_uniform(a=+0.2,mode=fan_out)",
  ]) {
    assert.equal(parseInit(s).spec, canon, s);
  }
  assert.equal(parseInit("kaiming_uniform(a=sqrt(5))").args.a, Math.sqrt(5));
  assert.equal(parseInit("constant(-sqrt( 2 ))").args.value, -Math.SQRT2);
  assert.equal(parseInit("constant(1E+3)").args.value, 1000);
  assert.equal(parseInit("zeros()").spec, "zeros");
  assert.equal(parseInit("normal(std=1e-3)").spec, "normal(mean=0, std=0.001)");
});

test("every listed initializer parses by its name and aliases, with defaults filled in", () => {
  const list = listInitializers();
  assert.ok(list.length >= 20);
  for (const info of list) {
    const required = info.args.filter((a) => a.default === null).map((a) => `${a.name}=0.5`);
    const suffix = required.length ? `(${required.join(", ")})` : "";
    const init = parseInit(`${info.name}${suffix}`);
    assert.equal(init.name, info.name);
    assert.deepEqual(
      Object.keys(init.args),
      info.args.map((a) => a.name),
      info.name,
    );
    assert.ok(info.formula.length > 0 && info.reference.length > 0, info.name);
    for (const alias of info.aliases) assert.equal(parseInit(`${alias}${suffix}`).name, info.name, alias);
  }
  const kaiming = list.find((i) => i.name === "kaiming_normal");
  assert.deepEqual(kaiming?.aliasDefaults, { he_normal: { nonlinearity: "relu" } });
});

test("errors name the bad value and list the valid choices", () => {
  throwsUser("foo", 'unknown initializer "foo"', "valid:", "kaiming_uniform", "he_normal", "orthogonal");
  throwsUser("normal(x=1)", 'unknown argument "x" for normal', "valid: mean, std");
  throwsUser("kaiming_uniform(mode=foo)", "mode=foo", "fan_in, fan_out");
  throwsUser("variance_scaling(distribution=normal)", "distribution=normal", "untruncated_normal");
  throwsUser("normal(std=-1)", "std=-1", ">= 0");
  throwsUser("sparse(sparsity=2)", "sparsity=2", "[0, 1]");
  throwsUser("uniform(2, 1)", "b=1");
  throwsUser("xavier_uniform(gain=0)", "gain=0", "> 0");
  throwsUser("zeros(1)", "zeros takes no arguments");
  throwsUser("normal(1, 2, 3)", "at most 2 arguments", "normal(mean=0, std=1)");
  throwsUser("normal(std=1, 0)", "positional", "after a keyword");
  throwsUser("normal(std=1, std=2)", '"std" is given twice');
  throwsUser("normal(std=abc)", "std=abc is not a number");
  throwsUser("kaiming_normal(nonlinearity=3)", "nonlinearity=3", "relu");
  throwsUser("constant", 'needs argument "value"');
  throwsUser("normal(1", "position 8");
  throwsUser("normal)", "position 6");
  throwsUser("", "expected an initializer name");
  throwsUser("constant(sqrt(-1))", "sqrt");
  throwsUser("constant(1e999)", "finite");
});

const WORD_CASES = fc.constantFrom(
  (s: string) => s,
  (s: string) => s.toUpperCase(),
  (s: string) => s[0].toUpperCase() + s.slice(1),
);
const SPACE = fc.constantFrom("", " ", "  ", "\t");

function numberArb(arg: string): fc.Arbitrary<number> {
  if (arg === "sparsity") return fc.double({ min: 0, max: 1, noNaN: true });
  return fc.oneof(
    fc.double({ min: 1e-6, max: 100, noNaN: true }),
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
}

/** Random spec text for a random initializer: random subset of args, positional or keyword, random case and spacing. */
const specText = fc
  .constantFrom(
    ...listInitializers().flatMap((i) => [i.name, ...i.aliases].map((name) => ({ info: i, name }))),
  )
  .chain(({ info, name }) => {
    const values = info.args.map((a) =>
      a.type === "number"
        ? numberArb(a.name).map((x) => String(x))
        : fc.constantFrom(...a.type.split("|")).chain((w) => WORD_CASES.map((f) => f(w))),
    );
    return fc
      .record({
        name: WORD_CASES.map((f) => f(name)),
        values: fc.tuple(...values),
        given: fc.array(fc.boolean(), { minLength: info.args.length, maxLength: info.args.length }),
        positional: fc.nat({ max: info.args.length }),
        space: SPACE,
      })
      .map(({ name: n, values: vs, given, positional, space }) => {
        const parts: string[] = [];
        info.args.forEach((a, i) => {
          if (i < positional) parts.push(vs[i]);
          else if (given[i]) parts.push(`${space}${a.name}${space}=${space}${vs[i]}`);
        });
        return parts.length ? `${space}${n}${space}(${parts.join(`${space},`)})${space}` : `${n}${space}`;
      });
  });

test("round trip: parseInit(init.spec) is the same initializer (fast-check)", () => {
  let parsed = 0;
  let runs = 0;
  fc.assert(
    fc.property(specText, (text) => {
      runs++;
      let init: Initializer;
      try {
        init = parseInit(text);
      } catch (e) {
        assert.ok(e instanceof UserError, `${text}: ${(e as Error).message}`);
        return;
      }
      parsed++;
      const again = parseInit(init.spec);
      assert.equal(again.spec, init.spec);
      assert.equal(again.name, init.name);
      assert.deepEqual(again.args, init.args);
      assert.deepEqual(again.describe(7, 13), init.describe(7, 13));
    }),
    { numRuns: 400 },
  );
  assert.ok(parsed > runs / 3, `only ${parsed} of ${runs} generated specs were valid`);
});

test("numbers round-trip exactly through the canonical spec (fast-check)", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const init = parseInit(`constant(${x})`);
      const back = parseInit(init.spec).args.value;
      assert.equal(back, x === 0 ? 0 : x);
      assert.equal(parseInit(`constant(${x.toExponential()})`).args.value, back);
    }),
    { numRuns: 500 },
  );
});

test("any text either parses or throws a UserError (fast-check)", () => {
  const unit = fc.constantFrom(
    ..."abcdefghijklmnopqrstuvwxyz_()=,.-+e0123456789 ".split(""),
    "normal",
    "sqrt(",
    "fan_in",
  );
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 30 }), (text) => {
      try {
        parseInit(text);
      } catch (e) {
        assert.ok(
          e instanceof UserError,
          `${JSON.stringify(text)}: ${(e as Error).name}: ${(e as Error).message}`,
        );
      }
    }),
    { numRuns: 1000 },
  );
});
