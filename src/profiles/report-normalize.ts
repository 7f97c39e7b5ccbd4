/**
 * Step 1 of the importer: plain lines, whatever the report's publishing layout was.
 * Strips markdown emphasis and HTML tags, markdown heading marks, page headers/footers and separator rows, so the
 * section splitter and table readers see the same text for every layout.
 */

/** Lines that repeat on every page of a published report and carry nothing for the profile. */
const PAGE_NOISE: RegExp[] = [
  /^authenticity of this certificate can be verified at/i,
  /^page \d+( of \d+)?$/i,
  /^\d+\s*\/\s*\d+$/,
  /©\s*open charge alliance/i,
  // Family reports repeat the tested image and OCTT instance at every page break of a vendor declaration.
  /^tested firmware image:.*octt instance id/i,
  /^-{2,}(\t-+)*$/,
];

export function normalizeReport(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map(normalizeLine)
    .filter((line) => !PAGE_NOISE.some((re) => re.test(line.trim())));
}

export function normalizeLine(raw: string): string {
  let line = raw
    .replace(/\u00a0/g, ' ')
    .replace(/[\f\v]/g, '') // pdftotext's page breaks
    .replace(/<\/?[a-z][^>]*>/gi, '') // <b>, </b>, <br/>
    .replace(/\*\*|__/g, '')
    .replace(/^#{1,6}\s+/, '');
  // Cells keep their tabs and a line its indent (space-aligned tables need it); blanks before a tab or the end go
  // (markdown's "two spaces" line breaks).
  line = line.replace(/[ ]+(?=\t|$)/g, '');
  return line;
}
