/** `ocpp-mitm profile import|check`: certification report → profile JSON, and checking hand-written profiles. */
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { loadProfile, ProfileError } from './profile-load.js';
import { formatProfileTable } from './profile-format.js';
import { importReport } from './report-import.js';
import { memberNames, memberProfile } from './family-member.js';

export const oneOf =
  (...allowed: string[]) =>
  (value: string): string => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`expected ${allowed.join(' or ')}`);
    return value;
  };

/** Returns the text to print and the exit code; commands stay thin and this stays testable. */
export async function importCommand(file: string, opts: { format?: string; out?: string; member?: string }): Promise<{ text: string; code: number }> {
  const report = importReport(await readReportText(file), file);
  const profile = opts.member ? memberProfile(report, opts.member) : report;
  if (!profile) {
    const names = memberNames(report);
    throw new Error(`${file}: no family member "${opts.member}"; ${names.length > 0 ? `members: ${names.join(', ')}` : 'the report lists no product family'}`);
  }
  const json = `${JSON.stringify(profile, null, 2)}\n`;
  if (opts.out) await writeFile(opts.out, json);
  if (opts.format === 'table') return { text: formatProfileTable(profile), code: 0 };
  return { text: opts.out ? `wrote ${opts.out} (${profile.product}, ${profile.certificateNumber ?? 'no certificate number'})` : json.trimEnd(), code: 0 };
}

/** The report's text; a missing file or a PDF is said plainly, with what to do. */
async function readReportText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: no such file`);
    if (code === 'EISDIR') throw new Error(`${file} is a folder: give the report's text file`);
    throw new Error(`${file}: cannot read it (${code ?? (err as Error).message})`);
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw new Error(`${file} is a PDF: extract its text first, keeping the table layout, e.g. \`pdftotext -layout ${file} report.txt\`, then import report.txt`);
  }
  return bytes.toString('utf8');
}

export function registerProfileCommands(program: Command): void {
  const profile = program.command('profile').description('certified profiles from OCA certification reports');
  profile
    .command('import <file>')
    .description('read an OCA certification report (plain text) and print its certified profile')
    .option('--format <format>', 'json or table', oneOf('json', 'table'), 'json')
    .option('--out <file>', 'write the profile JSON to this file')
    .option('--member <name>', 'the profile of a product-family member (product designation or config id)')
    .addHelpText(
      'after',
      ['', 'Examples:', '  ocpp-mitm profile import certificate.txt --out profiles/station.json', '  ocpp-mitm profile import family.txt --member "HYC 200 US" --format table', '  pdftotext -layout certificate.pdf certificate.txt   (a PDF: extract its text first)'].join('\n'),
    )
    .action(async (file: string, opts: { format: string; out?: string; member?: string }) => {
      const { text, code } = await importCommand(file, opts);
      process.stdout.write(`${text}\n`);
      process.exitCode = code;
    });
  profile
    .command('check <files...>')
    .description('validate profile files (imported or hand-written) against the profile schema')
    .action(async (files: string[]) => {
      let bad = 0;
      for (const f of files) {
        try {
          const { profile: p } = await loadProfile(f);
          process.stdout.write(`${f}: ok (${p.product}, OCPP ${p.ocppVersion})\n`);
        } catch (err) {
          if (!(err instanceof ProfileError)) throw err;
          bad++;
          process.stderr.write(`${err.message}\n`);
        }
      }
      process.exitCode = bad > 0 ? 1 : 0;
    });
}
