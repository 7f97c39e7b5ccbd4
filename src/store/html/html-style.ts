/**
 * The report's styles. Verdict colours are the Okabe-Ito palette (distinguishable with the common colour-vision
 * deficiencies), and every verdict also carries a symbol and its words, so colour is never the only cue.
 */
export const REPORT_CSS = `
:root { --ok: #0072B2; --ok-bg: #d9eaf6; --slow: #9a6a00; --slow-bg: #fbe6b5; --bad: #a83f00; --bad-bg: #f6cdb2;
  --none: #555; --none-bg: #ececec; --fg: #1a1a1a; --muted: #5a5a5a; --line: #cfcfcf; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 1200px; background: #fff; }
h1 { font-size: 1.5rem; margin: .2rem 0; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid var(--fg); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .3rem; } .muted { color: var(--muted); }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
#fleet-table th[data-type] { cursor: pointer; user-select: none; }
#fleet-table th[aria-sort="ascending"]::after { content: " \\25B2"; } #fleet-table th[aria-sort="descending"]::after { content: " \\25BC"; }
.controls { margin: .5rem 0; display: flex; gap: .75rem; flex-wrap: wrap; }
.controls input, .controls select { font: inherit; padding: .2rem .4rem; }
.v { white-space: nowrap; } .v small { display: block; color: var(--muted); }
.v-within_certified { background: var(--ok-bg); color: #003c5e; }
.v-slower_than_certified { background: var(--slow-bg); color: #5c3f00; }
.v-exceeds_declared_max { background: var(--bad-bg); color: #5e2300; font-weight: 600; }
.v-no_data { background: var(--none-bg); color: var(--none); }
.v-field_only { background: #fff; }
.verdict { padding: .05rem .4rem; border-radius: 3px; border: 1px solid rgba(0,0,0,.25); }
.legend span { margin-right: .6rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: .8rem 1.5rem; }
figure { margin: 0; padding: .5rem; border: 1px solid var(--line); break-inside: avoid; page-break-inside: avoid; }
figcaption { margin-bottom: .3rem; }
.chart svg { max-width: 100%; height: auto; overflow: visible; }
table.figs { font-size: .85rem; margin-top: .3rem; }
.finding { border-left: 6px solid var(--none); padding: .3rem .6rem; margin: .6rem 0; break-inside: avoid; page-break-inside: avoid; }
.finding.error { border-left-color: var(--bad); border-left-style: double; border-left-width: 7px; }
.finding.warning { border-left-color: #E69F00; border-left-style: dashed; }
.finding.info { border-left-color: var(--ok); border-left-style: dotted; }
.level { font-weight: 700; text-transform: uppercase; font-size: .8rem; }
pre { white-space: pre-wrap; word-break: break-all; background: #f7f7f7; padding: .3rem .5rem; margin: .2rem 0; font-size: .8rem; max-height: 16rem; overflow: auto; }
.frame-head { font-size: .8rem; color: var(--muted); }
.hidden { display: none; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .controls { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-before: auto; break-after: avoid; }
  pre { max-height: none; overflow: visible; }
  .v, .verdict, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .kpis { display: block; } figure { margin-bottom: .6rem; }
}
`;
