/**
 * Step 2 of the importer: cut the normalised lines into the report's sections, and a family report into its parts
 * (the certificate itself, then one vendor declaration per product family member, each repeating the tables).
 */

export type SectionKey =
  | 'cover'
  | 'abstract'
  | 'results'
  | 'hardware'
  | 'features'
  | 'questions'
  | 'settings'
  | 'vendorSettings'
  | 'performance'
  | 'approval'
  | 'familyOverview'
  | 'declaration'
  | 'testCases';

export interface Section {
  key: SectionKey;
  title: string;
  lines: string[];
}

/** Section titles as they stand alone on a line in OCA reports (compared case-insensitively, trailing ':' ignored). */
const TITLES: ReadonlyArray<[RegExp, SectionKey]> = [
  [/^abstract of (the )?test report$/, 'abstract'],
  [/^test result summary\b/, 'results'],
  [/^hardware feature set$/, 'hardware'],
  [/^optional features$/, 'features'],
  [/^additional questions$/, 'questions'],
  [/^other relevant settings$/, 'settings'],
  [/^vendor specific settings$/, 'vendorSettings'],
  [/^performance measurement results?$/, 'performance'],
  [/^statement of approval$/, 'approval'],
  [/^product family members overview$/, 'familyOverview'],
  [/^vendor declaration of conformance$/, 'declaration'],
  [/^test ?cases$/, 'testCases'],
];

export function sectionKeyOf(line: string): SectionKey | undefined {
  if (line.includes('\t')) return undefined;
  const t = line.trim().replace(/:$/, '').replace(/\s+/g, ' ').toLowerCase();
  return TITLES.find(([re]) => re.test(t))?.[1];
}

/** Lines before the first title form the 'cover' section. */
export function splitSections(lines: readonly string[]): Section[] {
  const sections: Section[] = [{ key: 'cover', title: '', lines: [] }];
  for (const line of lines) {
    const key = sectionKeyOf(line);
    if (key) sections.push({ key, title: line.trim(), lines: [] });
    else sections[sections.length - 1]!.lines.push(line);
  }
  return sections;
}

export interface ReportParts {
  /** The certificate and its abstract: everything before the family overview or the first vendor declaration. */
  main: Section[];
  familyOverview: Section | undefined;
  /** One entry per vendor declaration, each starting with its 'declaration' section. */
  declarations: Section[][];
}

export function splitParts(sections: readonly Section[]): ReportParts {
  const parts: ReportParts = { main: [], familyOverview: undefined, declarations: [] };
  let current: Section[] = parts.main;
  for (const s of sections) {
    if (s.key === 'familyOverview') {
      parts.familyOverview = s;
      current = [];
      continue;
    }
    if (s.key === 'declaration') {
      current = [s];
      parts.declarations.push(current);
      continue;
    }
    current.push(s);
  }
  return parts;
}

/** All sections with this key (tables may be repeated, e.g. Other Relevant Settings printed twice). */
export const sectionsOf = (sections: readonly Section[], key: SectionKey): Section[] => sections.filter((s) => s.key === key);
