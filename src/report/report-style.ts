/** The style sheet inlined into every report (no external files: reports open from disk). */
export const REPORT_CSS = `
:root { --ok: #1b7f3b; --ok-bg: #e8f5ec; --bad: #b3261e; --bad-bg: #fbeaea; --open: #8a5a00; --open-bg: #fff4dc; --ink: #1d1d1f; --muted: #5f6368; --line: #dadce0; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink); margin: 0; background: #f6f7f9; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; min-height: 100vh; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 18px 0 6px; }
.sub { color: var(--muted); font-size: 0.9rem; margin: 0 0 16px; }
.verdict { border-radius: 8px; padding: 14px 18px; margin: 16px 0; border: 2px solid; }
.verdict.ok { border-color: var(--ok); background: var(--ok-bg); }
.verdict.bad { border-color: var(--bad); background: var(--bad-bg); }
.verdict.open { border-color: var(--open); background: var(--open-bg); }
.verdict .label { font-weight: bold; font-size: 1.15rem; }
.verdict.ok .label { color: var(--ok); }
.verdict.bad .label { color: var(--bad); }
.verdict.open .label { color: var(--open); }
dl.facts { display: grid; grid-template-columns: 9rem 1fr; gap: 6px 14px; margin: 0; }
dl.facts dt { font-weight: bold; color: var(--muted); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 8px 0 4px; font-size: 0.86rem; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f4; }
td.num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; font-family: "DejaVu Sans Mono", monospace; font-size: 0.82rem; }
td.pass { color: var(--ok); font-weight: bold; }
td.fail { color: var(--bad); font-weight: bold; }
td.undecided { color: var(--open); font-weight: bold; }
.ci { color: var(--muted); font-size: 0.85em; }
.numbers { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.numbers > div { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; min-width: 140px; }
.numbers .k { color: var(--muted); font-size: 0.78rem; }
.numbers .v { font-size: 1.05rem; font-weight: bold; font-family: "DejaVu Sans Mono", monospace; }
figure { margin: 16px 0 22px; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: 0.86rem; margin-top: 6px; }
figcaption a, .files a { margin-right: 10px; }
.tablewrap { overflow-x: auto; }
ul.notes li { margin: 4px 0; }
details { margin: 6px 0; }
details pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 0.78rem; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.86em; }
nav.toc { font-size: 0.88rem; }
nav.toc a { margin-right: 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.82rem; font-weight: bold; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.open { background: var(--open-bg); color: var(--open); }
`;
