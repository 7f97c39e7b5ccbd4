/**
 * The report as one HTML file: tables, verdicts and findings are written here as markup (readable and printable
 * without the script), the charts are drawn by the inlined script from the JSON the page carries.
 */
import { chartLibraries } from './html-assets.js';
import type { HtmlEvidence, HtmlFinding, HtmlKpi, HtmlReport, HtmlStation, HtmlVerdict } from './html-model.js';
import { REPORT_SCRIPT } from './html-script.js';
import { REPORT_CSS } from './html-style.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside `<script type="application/json">`: `<` escaped so no text in it can close the element. */
const jsonScript = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export const VERDICT_WORDS: Record<HtmlVerdict, { symbol: string; words: string }> = {
  within_certified: { symbol: '\u2713', words: 'within certified' },
  slower_than_certified: { symbol: '\u25B2', words: 'slower than certified' },
  exceeds_declared_max: { symbol: '\u2716', words: 'exceeds declared max' },
  no_data: { symbol: '\u2013', words: 'no data' },
  field_only: { symbol: '\u00B7', words: 'field only (no certificate bound)' },
};

/** Worst first, for sorting the fleet table by verdict. */
const VERDICT_RANK: Record<HtmlVerdict, number> = { exceeds_declared_max: 0, slower_than_certified: 1, within_certified: 2, field_only: 3, no_data: 4 };

const sec = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(3));
const certS = (s: number | null | undefined): string => (s === null || s === undefined ? '-' : String(s));

function verdictBadge(v: HtmlVerdict): string {
  const w = VERDICT_WORDS[v];
  return `<span class="verdict v-${v}" title="${esc(w.words)}">${w.symbol} ${esc(w.words)} <code>${v}</code></span>`;
}

const anchor = (i: number): string => `st-${i}`;

function fleetTable(r: HtmlReport): string {
  const head = [
    '<th data-type="text">station</th>',
    r.mode === 'audit' ? '<th data-type="text">certified profile</th>' : '',
    '<th data-type="text">firmware</th>',
    ...r.kpis.map((k) => `<th data-type="num" title="sorts worst verdict first, then by p95">${esc(k)}</th>`),
    r.mode === 'audit' ? '<th data-type="num">findings</th>' : '',
  ].join('');
  const rows = r.stations.map((s, i) => {
    const verdicts = new Set<string>();
    const cells = r.kpis.map((kpi) => {
      const k = s.kpis.find((x) => x.kpi === kpi);
      const v: HtmlVerdict = k?.verdict ?? 'no_data';
      verdicts.add(v);
      const p95 = k?.field?.p95Ms ?? null;
      const sort = VERDICT_RANK[v] * 1e9 - (p95 ?? 0);
      const detail = k?.field ? `p95 ${sec(p95)} s, n=${k.field.count}` : 'no samples';
      return `<td class="v v-${v}" data-sort="${sort}">${VERDICT_WORDS[v].symbol} ${esc(VERDICT_WORDS[v].words)}<small>${esc(detail)}</small></td>`;
    });
    const findings = s.findings ?? [];
    const errors = findings.filter((f) => f.level === 'error').length;
    const warnings = findings.filter((f) => f.level === 'warning').length;
    return (
      `<tr data-verdicts="${[...verdicts].join(' ')}">` +
      `<td data-sort="${esc(s.station)}"><a href="#${anchor(i)}">${esc(s.station)}</a></td>` +
      (r.mode === 'audit' ? `<td data-sort="${esc(s.profile ?? '')}">${esc(s.profile ?? 'none applies')}</td>` : '') +
      `<td data-sort="${esc(s.firmware ?? '')}">${esc(s.firmware ?? '-')}${s.firmwareChanges.length > 1 ? ` <small>(${s.firmwareChanges.length - 1} change${s.firmwareChanges.length > 2 ? 's' : ''})</small>` : ''}</td>` +
      cells.join('') +
      (r.mode === 'audit' ? `<td data-sort="${errors * 1000 + warnings}">${errors} error(s), ${warnings} warning(s)</td>` : '') +
      '</tr>'
    );
  });
  const options = (Object.keys(VERDICT_WORDS) as HtmlVerdict[]).map((v) => `<option value="${v}">${esc(VERDICT_WORDS[v].words)}</option>`).join('');
  return `<section id="fleet"><h2>Fleet overview</h2>
<div class="controls"><label>Filter <input id="fleet-filter" type="search" placeholder="station, firmware, profile…"></label>
<label>Verdict <select id="verdict-filter"><option value="">any</option>${options}</select></label>
<span class="muted">Click a column heading to sort.</span></div>
<table id="fleet-table"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}

function kpiFigure(s: HtmlStation, k: HtmlKpi): string {
  const f = k.field;
  const c = k.certified;
  const figs =
    `<table class="figs"><tr><th></th><th>n</th><th>timeouts</th><th>min</th><th>avg</th><th>p95</th><th>max</th><th>declared max</th></tr>` +
    `<tr><th>field (s)</th><td>${f?.count ?? 0}</td><td>${f?.timeouts ?? 0}</td><td>${sec(f?.minMs)}</td><td>${sec(f?.avgMs)}</td><td>${sec(f?.p95Ms)}</td><td>${sec(f?.maxMs)}</td><td></td></tr>` +
    (c ? `<tr><th>certified (s)</th><td></td><td></td><td>${certS(c.minS)}</td><td>${certS(c.avgS)}</td><td></td><td>${certS(c.maxS)}</td><td>${certS(c.declaredMaxS)}</td></tr>` : '') +
    '</table>';
  return `<figure class="dist" data-station="${esc(s.station)}" data-kpi="${esc(k.kpi)}">
<figcaption><strong>${esc(k.kpi)}</strong> ${verdictBadge(k.verdict)}<br><span class="muted">${esc(k.reason)}</span></figcaption>
<div class="chart"></div>${figs}</figure>`;
}

function evidenceHtml(e: HtmlEvidence): string {
  const frames = e.frames
    .map((f) => `<div class="frame-head">seq ${f.seq} · ${esc(f.at)} · ${esc(f.direction)} · ${esc(f.kind)} ${esc(f.action)} · id ${esc(f.messageId)}</div><pre>${esc(f.text || '(payload not retained)')}</pre>`)
    .join('');
  return `<div class="evidence">${e.note ? `<div class="frame-head">${esc(e.at)} · ${esc(e.note)}</div>` : ''}${frames || (e.note ? '' : `<div class="frame-head">${esc(e.at)} (frame not in this selection)</div>`)}</div>`;
}

function findingHtml(f: HtmlFinding): string {
  return `<div class="finding ${f.level}"><span class="level">${f.level}</span> <code>${esc(f.code)}</code> ${esc(f.message)}${f.count > 1 ? ` <span class="muted">(seen ${f.count}×; first ${f.evidence.length} shown)</span>` : ''}
${f.evidence.map(evidenceHtml).join('')}</div>`;
}

function stationSection(s: HtmlStation, i: number, mode: HtmlReport['mode']): string {
  const fw = s.firmwareChanges.map((c) => `${esc(new Date(c.at).toISOString())}: ${c.from ? `${esc(c.from)} \u2192 ` : ''}${esc(c.firmware)}`).join('; ');
  const findings = s.findings ?? [];
  return `<section class="station" id="${anchor(i)}"><h3>${esc(s.station)}</h3>
<p class="muted">${mode === 'audit' ? `Profile: ${esc(s.profile ?? 'none applies')}. ` : ''}Firmware: ${fw || 'no BootNotification recorded'}.</p>
<div class="kpis">${s.kpis.map((k) => kpiFigure(s, k)).join('\n')}</div>
${mode === 'audit' ? `<h4>Findings</h4>${findings.length ? findings.map(findingHtml).join('\n') : '<p>None.</p>'}` : ''}
</section>`;
}

function timelines(r: HtmlReport): string {
  const kpis = r.kpis.filter((k) => r.samples.some((s) => s.kpi === k && s.valueMs !== null));
  if (kpis.length === 0) return '<section id="over-time"><h2>KPIs over time</h2><p>No field samples.</p></section>';
  return `<section id="over-time"><h2>KPIs over time</h2>
<p class="muted">One line per station; a dashed vertical line marks a firmware change seen in a BootNotification.</p>
${kpis.map((k) => `<figure class="timeline" data-kpi="${esc(k)}"><figcaption><strong>${esc(k)}</strong></figcaption><div class="chart"></div></figure>`).join('\n')}</section>`;
}

/**
 * Samples by column, names as indexes, times as ms after the first: about a fifth of the size of one object per
 * sample (200 000 samples ≈ 4 MB rather than 20). The page's script unpacks them.
 */
export function packSamples(samples: HtmlReport['samples']): { names: string[]; kpis: string[]; t0: number; s: number[]; k: number[]; t: number[]; v: Array<number | null> } {
  const names: string[] = [];
  const kpis: string[] = [];
  const index = (list: string[], map: Map<string, number>, key: string): number => {
    let i = map.get(key);
    if (i === undefined) map.set(key, (i = list.push(key) - 1));
    return i;
  };
  const nameIx = new Map<string, number>();
  const kpiIx = new Map<string, number>();
  const t0 = samples.length ? Math.floor(samples[0]!.at / 1000) : 0;
  const out = { names, kpis, t0, s: [] as number[], k: [] as number[], t: [] as number[], v: [] as Array<number | null> };
  for (const x of samples) {
    out.s.push(index(names, nameIx, x.station));
    out.k.push(index(kpis, kpiIx, x.kpi));
    out.t.push(Math.floor(x.at / 1000) - t0);
    out.v.push(x.valueMs === null ? null : Math.round(x.valueMs * 10) / 10);
  }
  return out;
}

export function renderHtmlReport(r: HtmlReport): string {
  const legend = (Object.keys(VERDICT_WORDS) as HtmlVerdict[])
    .filter((v) => r.mode === 'audit' || v === 'field_only' || v === 'no_data')
    .map((v) => verdictBadge(v))
    .join(' ');
  const all = r.stations.flatMap((s) => s.findings ?? []);
  const summary =
    r.mode === 'audit'
      ? `${r.stations.length} station(s): ${all.filter((f) => f.level === 'error').length} error(s), ${all.filter((f) => f.level === 'warning').length} warning(s), ${all.filter((f) => f.level === 'info').length} info.`
      : `${r.stations.length} station(s). Field figures only: <code>ocpp-mitm audit --html</code> adds certified figures, verdicts and findings.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title><style>${REPORT_CSS}</style></head>
<body>
<header><h1>${esc(r.title)}</h1>
<p class="muted">Generated ${esc(r.generatedAt)} from ${esc(r.source)}. ${summary}</p>
<p class="legend">${legend}</p></header>
<nav><a href="#fleet">Fleet overview</a><a href="#over-time">KPIs over time</a><a href="#stations">Stations</a></nav>
${fleetTable(r)}
${timelines(r)}
<section id="stations"><h2>Stations</h2>
${r.stations.map((s, i) => stationSection(s, i, r.mode)).join('\n')}
</section>
<script type="application/json" id="report-data">${jsonScript({ stations: r.stations.map(({ station, kpis, firmwareChanges }) => ({ station, kpis, firmwareChanges })), samples: packSamples(r.samples) })}</script>
${chartLibraries()}
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
