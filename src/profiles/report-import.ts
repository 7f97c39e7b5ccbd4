/**
 * An OCA certification report (plain text, as published) → the certified profile.
 * normalise → split sections → read tables → extract fields. A text that is not a certification report, or one cut
 * short, fails with an ImportError naming every part that was missing.
 */
import type { CertifiedProfile, FamilyMember, FeatureRow } from './profile-types.js';
import { normalizeReport } from './report-normalize.js';
import { sectionsOf, splitParts, splitSections, type Section, type SectionKey } from './report-sections.js';
import { detectMode, readTables, type CellMode, type Table } from './report-tables.js';
import {
  certificateNumberOf,
  cipherSuitesOf,
  connectorRows,
  featureRows,
  hardwareRows,
  isoDate,
  kpiFigures,
  labelValue,
  ocppVersionOf,
  resultTable,
  securityProfilesOf,
  settingRows,
  vendorSettingRows,
} from './report-fields.js';

export class ImportError extends Error {
  constructor(
    message: string,
    /** What the report lacked, in the report's own words. */
    readonly missing: string[] = [],
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

export function importReport(text: string, source = 'report'): CertifiedProfile {
  const lines = normalizeReport(text);
  const mode = detectMode(lines);
  const parts = splitParts(splitSections(lines));
  const main = parts.main;
  const linesOf = (key: SectionKey): string[] => sectionsOf(main, key).flatMap((s) => s.lines);
  const tablesOf = (key: SectionKey, secs: Section[] = main): Table[] =>
    sectionsOf(secs, key).flatMap((s) => readTables(s.lines, mode));
  const head = [...linesOf('cover'), ...linesOf('abstract')];

  const rawNumber = labelValue(head, ['Certificate Number']);
  const product = labelValue(head, ['Product Designation']);
  const ocppVersion = ocppVersionOf(head);
  const profiles = resultTable(tablesOf('results'), /certification profile/i);
  const kpis = kpiFigures(tablesOf('performance'));

  const missing: string[] = [];
  if (!rawNumber) missing.push('Certificate Number');
  if (!product) missing.push('Product Designation');
  if (!ocppVersion) missing.push('OCPP version ("Test Report OCPP 1.6/2.0.1 Certification")');
  if (Object.keys(profiles).length === 0) missing.push('Test Result Summary (certification profile results)');
  if (!kpis) missing.push('Performance Measurement Result (KPI tables)');
  if (missing.length > 0) {
    const what = missing.length === 5 ? 'is not an OCA certification report' : 'is incomplete or not an OCA certification report';
    throw new ImportError(`${source} ${what}: missing ${missing.join(', ')}`, missing);
  }

  const version = ocppVersion!;
  const extensions = resultTable(tablesOf('results'), /certification extension/i);
  const features: Record<string, FeatureRow> = featureRows(tablesOf('features'));
  const hardware = hardwareRows(tablesOf('hardware'));
  const connectors = connectorRows(tablesOf('hardware'));
  const { number, update } = certificateNumberOf(rawNumber!);
  const date = labelValue(head, ['Certification Date']);

  const profile: CertifiedProfile = {
    certificateNumber: number,
    ...(update ? { certificateUpdate: update } : {}),
    holder: labelValue(head, ['Certificate Holder', 'Vendor name']),
    product: product!,
    productType: labelValue(head, ['Product Type', 'Device Under Test']),
    softwareVersion: labelValue(head, ['Firmware Version', 'OCPP Software Version', 'Software Version']),
    configId: labelValue(head, ['Config ID']),
    certificationDate: date ? isoDate(date) : undefined,
    ocppVersion: version,
    testLab: labelValue(head, ['Test laboratory', 'Test lab']),
    testReportReference: labelValue(head, ['Test Report Reference']),
    profiles,
    extensions,
    hardware,
    evseCount: evseCountOf(hardware, connectors),
    connectors,
    features,
    additionalQuestions: featureRows(tablesOf('questions'), /^AQ-/),
    settings: { ...settingRows(tablesOf('settings')), ...vendorSettingRows(tablesOf('vendorSettings')) },
    cipherSuites: cipherSuitesOf(features),
    securityProfiles: securityProfilesOf(version, profiles, extensions, features),
    kpis: kpis!,
  };
  const family = familyOf(parts.familyOverview, parts.declarations, mode);
  if (family.length > 0) profile.family = family;
  return dropUndefined(profile);
}

/** HFS "No. EVSEs" / "No. Connectors"; else the connector table (distinct EVSEs on 2.0.1, rows on 1.6). */
function evseCountOf(hardware: CertifiedProfile['hardware'] & {}, connectors: NonNullable<CertifiedProfile['connectors']>): number | null {
  const row = Object.values(hardware).find((h) => /^no\.?\s*(of\s*)?(evses?|connectors?)$/i.test(h.feature.trim()));
  if (row && /^\d+$/.test(row.value.trim())) return Number(row.value.trim());
  if (connectors.length === 0) return null;
  return new Set(connectors.map((c) => c.evse ?? c.connector)).size;
}

/** Members from the overview table, completed by each member's own vendor declaration. */
function familyOf(overview: Section | undefined, declarations: Section[][], mode: CellMode): FamilyMember[] {
  const members: FamilyMember[] = [];
  for (const t of overview ? readTables(overview.lines, mode) : []) {
    if (!/product designation/i.test(t.header[0] ?? '')) continue;
    for (const r of t.rows) {
      const m = /^(.*?)\s*Config ID:\s*(\S+)\s*$/i.exec(r[0] ?? '');
      members.push({ product: (m ? m[1]! : (r[0] ?? '')).trim(), configId: m ? m[2]! : null, description: r[1] ?? '' });
    }
  }
  for (const secs of declarations) {
    const head = secs[0]!.lines;
    const product = labelValue(head, ['Product Designation']);
    if (!product) continue;
    const configId = labelValue(head, ['Config ID']) ?? null;
    let member = members.find((m) => (configId && m.configId === configId) || m.product === product);
    if (!member) members.push((member = { product, configId, description: '' }));
    const tables = (key: SectionKey): Table[] => sectionsOf(secs, key).flatMap((s) => readTables(s.lines, mode));
    const hardware = hardwareRows(tables('hardware'));
    const connectors = connectorRows(tables('hardware'));
    const date = labelValue(head, ['Test Date']);
    Object.assign(
      member,
      dropUndefined({
        firmwareVersion: labelValue(head, ['Firmware Version', 'OCPP Software Version']),
        testDate: date ? isoDate(date) : undefined,
        profiles: resultTable(tables('results'), /certification profile/i),
        hardware,
        evseCount: evseCountOf(hardware, connectors),
        connectors,
        settings: settingRows(tables('settings')),
      }),
    );
  }
  return members;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

