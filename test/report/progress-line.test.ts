// The one progress line: its text, its throttle (terminal vs log), in-place drawing, and the duration format.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConsoleProgress } from "../../src/experiments/console-progress.js";
import { formatDuration, ProgressLine } from "../../src/report/progress-line.js";

/** A line on a fake clock (ms) that records what it writes. */
function recorder(isTTY: boolean, quiet = false) {
  const out: string[] = [];
  const clock = { now: 10_000 };
  const line = new ProgressLine(
    (t) => out.push(t),
    isTTY,
    quiet,
    () => clock.now,
  );
  return { out, clock, line };
}

test("a counter line: bar, count, text and the ETA extrapolated from the elapsed time", () => {
  const { out, clock, line } = recorder(false);
  clock.now += 10_000; // 10 s for half the work: 10 s left
  line.update(5, 10, "epoch 1");
  assert.deepEqual(out, ["[##########..........] 5/10 epoch 1 eta 10s\n"]);
});

test("in a log a line is printed at most every 5 s, except the last; on a terminal every 100 ms, in place", () => {
  const log = recorder(false);
  log.line.update(1, 10, "a"); // the first at 10 s after the start of the clock: shown
  log.clock.now += 1000;
  log.line.update(2, 10, "b"); // 1 s later: skipped
  log.clock.now += 1000;
  log.line.update(10, 10, "c"); // the last: always shown
  assert.deepEqual(
    log.out.map((l) => l.split(" ")[1]),
    ["1/10", "10/10"],
  );
  const tty = recorder(true);
  tty.line.update(1, 10, "a");
  tty.clock.now += 50;
  tty.line.update(2, 10, "b"); // 50 ms later: skipped
  tty.clock.now += 100;
  tty.line.update(3, 10, "c");
  tty.line.log("a note");
  tty.line.end(); // nothing drawn since the note: no second newline
  assert.equal(tty.out.length, 4);
  assert.ok(tty.out[0].startsWith("\r\x1b[2K[##") && tty.out[1].includes(" 3/10 c eta "), tty.out.join("|"));
  assert.deepEqual(tty.out.slice(2), ["\n", "a note\n"]);
});

test("quiet writes nothing; the ETA is unknown before any work is done", () => {
  const q = recorder(false, true);
  q.line.update(10, 10, "done");
  q.line.log("note");
  assert.deepEqual(q.out, []);
  const { out, line } = recorder(false);
  line.update(0, 10, "start");
  assert.equal(out[0], "[....................] 0/10 start eta ?\n");
  assert.ok(Number.isNaN(line.eta(0.01, 0.02)));
});

test("formatDuration: seconds, minutes, hours, rounded without a 60 in the lower unit; ? when unknown", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [59.4, "59s"],
    [59.6, "1m00s"],
    [125, "2m05s"],
    [119.7, "2m00s"],
    [3599.6, "1h00m"],
    [7530, "2h06m"],
  ];
  for (const [s, want] of cases) assert.equal(formatDuration(s), want, `${s} s`);
  for (const s of [Number.NaN, Number.POSITIVE_INFINITY, -1]) assert.equal(formatDuration(s), "?");
});

test("experiment progress: prefix, run, steps and percent on the same line", () => {
  const out: string[] = [];
  const root = new ConsoleProgress((t) => out.push(t), false);
  const p = root.begin("raw-pixels");
  p.run("relu, raw pixels", 0, 4); // a new run always shows
  p.log("diverged");
  assert.deepEqual(out, ["raw-pixels: run 1/4 relu, raw pixels | 0% eta ?\n", "raw-pixels: diverged\n"]);
});
