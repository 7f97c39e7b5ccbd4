/** The data an HTML report page carries, read back as its script reads it (samples unpacked from columns). */
export interface PageData {
  stations: Array<{ station: string; kpis: Array<{ kpi: string; verdict: string }>; firmwareChanges: Array<{ at: number; firmware: string; from: string }> }>;
  samples: Array<{ station: string; kpi: string; at: number; valueMs: number | null }>;
}

export function pageData(html: string): PageData {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error('no report-data script in the page (or a raw "<" inside it)');
  const raw = JSON.parse(m[1]!) as { stations: PageData['stations']; samples: { names: string[]; kpis: string[]; t0: number; s: number[]; k: number[]; t: number[]; v: Array<number | null> } };
  const p = raw.samples;
  return {
    stations: raw.stations,
    samples: p.s.map((si, i) => ({ station: p.names[si]!, kpi: p.kpis[p.k[i]!]!, at: (p.t0 + p.t[i]!) * 1000, valueMs: p.v[i]! })),
  };
}
