/** An imported profile as a short, human-readable table (the JSON form is the machine one). */
import type { CertifiedProfile } from './profile-types.js';
import { CERTIFIED_KPIS } from './profile-types.js';

// Two decimals, as certificates print them.
const fig = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v.toFixed(2));

export function formatProfileTable(p: CertifiedProfile): string {
  const lines: string[] = [];
  const kv = (k: string, v: unknown): void => {
    if (v !== undefined && v !== null && v !== '') lines.push(`${k.padEnd(20)} ${String(v)}`);
  };
  kv('certificate', [p.certificateNumber, p.certificateUpdate && `(update ${p.certificateUpdate})`].filter(Boolean).join(' '));
  kv('holder', p.holder);
  kv('product', p.product);
  kv('family of', p.representativeProduct);
  kv('product type', p.productType);
  kv('software version', p.softwareVersion);
  // A member's certificate facts and KPIs are the representative's: say so where they are shown.
  const rep = p.representativeProduct ? ` (the representative's, ${p.representativeProduct})` : '';
  kv('certification date', p.certificationDate && `${p.certificationDate}${rep}`);
  kv('member tested', p.memberTestDate && `${p.memberTestDate} (vendor self-test, not independently verified)`);
  kv('OCPP', p.ocppVersion);
  kv('test lab', p.testLab && `${p.testLab}${p.representativeProduct ? ' (tested the representative)' : ''}`);
  kv('EVSEs/connectors', p.evseCount);
  kv('security profiles', p.securityProfiles?.join(', '));
  kv('cipher suites', p.cipherSuites?.join(' '));
  lines.push('', 'profiles');
  for (const [k, v] of Object.entries({ ...p.profiles, ...p.extensions })) lines.push(`  ${k.padEnd(38)} ${v}`);
  if (p.representativeProduct) lines.push('', `kpis measured on the representative, ${p.representativeProduct}, not on this member`);
  else lines.push('');
  lines.push(`${'kpis (s)'.padEnd(30)}${['declared', 'min', 'max', 'avg'].map((h) => h.padStart(9)).join('')}`);
  for (const k of CERTIFIED_KPIS) {
    const f = p.kpis?.[k];
    lines.push(`  ${k.padEnd(28)}${[f?.declaredMaxS, f?.minS, f?.maxS, f?.avgS].map((v) => fig(v).padStart(9)).join('')}`);
  }
  if (p.settings && Object.keys(p.settings).length > 0) {
    lines.push('', 'settings');
    for (const [k, v] of Object.entries(p.settings)) lines.push(`  ${k.padEnd(50)} ${v}`);
  }
  if (p.family?.length) {
    lines.push('', 'family');
    for (const m of p.family) lines.push(`  ${m.product.padEnd(28)} ${(m.configId ?? '-').padEnd(20)} ${m.description}`);
  }
  return lines.join('\n');
}
