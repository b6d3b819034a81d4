/**
 * Shared assertion of the failing-input tests: a verdict's checks computed from measures shaped
 * like the claim all pass, and for each check there is a change of the measures that fails that
 * check and no other (so no verdict is decided by a check that cannot fail).
 */
import assert from "node:assert/strict";
import type { Check } from "../../src/report/report-types.js";

export function assertEachCheckCanFail<M>(
  name: string,
  checksOf: (m: M) => Check[],
  passing: M,
  failing: readonly (readonly [number, M])[],
): void {
  const ok = checksOf(passing);
  assert.deepEqual(
    ok.filter((c) => !c.pass).map((c) => c.label),
    [],
    `${name}: the claim's shape passes every check`,
  );
  const covered = new Set(failing.map(([k]) => k));
  assert.deepEqual(
    ok.map((_, k) => k).filter((k) => !covered.has(k)),
    [],
    `${name}: every check has an input that fails it`,
  );
  for (const [k, m] of failing) {
    const checks = checksOf(m);
    assert.equal(checks[k].pass, false, `${name}: check ${k} (${checks[k].label}) fails`);
    assert.equal(checks[k].status, "fail");
    const others = checks.filter((c, j) => j !== k && !c.pass).map((c) => c.label);
    assert.deepEqual(others, [], `${name}: only check ${k} fails`);
  }
}
