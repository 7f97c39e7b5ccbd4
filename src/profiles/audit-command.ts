/** `ocpp-mitm audit`: the store's KPIs, frames and sessions against each station's certified profile. */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { parseClickhouseTarget } from '../store/clickhouse-url.js';
import { describeSource } from '../store/html/field-report.js';
import { openServer } from '../store/server-backend.js';
import { renderHtmlReport } from '../store/html/html-page.js';
import { parseTimeMicros } from '../store/duration.js';
import { openStoreReader, type FrameRow, type KpiSampleRow, type SessionRow, type OpenStoreReaderOptions, type StoreReader } from '../store/store-reader.js';
import { createResolver, loadBindings, type BindingRule } from './bindings.js';
import { auditExitCode, runAudit } from './audit-engine.js';
import { formatAuditTable } from './audit-format.js';
import { auditHtmlModel } from './audit-html.js';
import { publishCertified } from './publish-certified.js';
import type { AuditReport } from './audit-types.js';
import { loadProfile, loadProfileDir, type LoadedProfile } from './profile-load.js';
import { oneOf } from './profile-commands.js';

export interface AuditOptions {
  profile?: string;
  profiles?: string;
  bindings?: string;
  /** Where the store is (data folder, or a ClickHouse server). */
  source?: OpenStoreReaderOptions;
  station?: string;
  /** µs since the epoch; from --since. */
  sinceMicros?: number;
}

/** --since: a duration ago (15m, 2h, 7d) or an ISO date, as the store's own commands take it. */
export function parseSince(text: string): number {
  try {
    return parseTimeMicros(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Frames in pages of the store's maximum, forward from the start, so a long capture is read whole. */
async function allFrames(reader: StoreReader, station: string | undefined, sinceMicros: number | undefined): Promise<FrameRow[]> {
  const page = 100_000;
  const out: FrameRow[] = [];
  let after = 0; // store sequences start far above 0 (µs-based), and the control API takes no negative cursor
  for (;;) {
    const rows = await reader.frames({ station, sinceMicros, afterSeq: after, limit: page });
    out.push(...rows);
    if (rows.length < page) return out;
    after = rows[rows.length - 1]!.seq;
  }
}

export async function loadProfilesFor(opts: Pick<AuditOptions, 'profile' | 'profiles' | 'bindings'>): Promise<{ rules: BindingRule[]; profiles: LoadedProfile[] }> {
  if (!opts.profile && !opts.profiles && !opts.bindings) throw new Error('give --profile FILE, --profiles DIR or --bindings FILE');
  const profiles: LoadedProfile[] = [];
  if (opts.profile) profiles.push(await loadProfile(opts.profile));
  if (opts.profiles) profiles.push(...(await loadProfileDir(opts.profiles)));
  const rules = opts.bindings ? await loadBindings(opts.bindings) : [];
  return { rules, profiles };
}

export async function auditFromStore(opts: AuditOptions, reader?: StoreReader): Promise<AuditReport> {
  return (await auditWithRows(opts, reader)).report;
}

export interface AuditWithRows {
  report: AuditReport;
  frames: FrameRow[];
  sessions: SessionRow[];
  /** Only read when asked for (the HTML report draws them). */
  samples: KpiSampleRow[];
}

/** The audit and the rows it was made from, which the HTML report shows as evidence. */
export async function auditWithRows(opts: AuditOptions, reader?: StoreReader, withSamples = false): Promise<AuditWithRows> {
  const { rules, profiles } = await loadProfilesFor(opts);
  const r = reader ?? (await openStoreReader(opts.source ?? {}));
  try {
    const q = { station: opts.station, sinceMicros: opts.sinceMicros };
    const kpis = await r.kpiSummary(q);
    const frames = await allFrames(r, opts.station, opts.sinceMicros);
    const sessions = await r.sessions(q);
    const samples = withSamples ? await r.kpiSamples(q) : [];
    return { report: runAudit({ resolve: createResolver(rules, profiles), kpis, frames, sessions }), frames, sessions, samples };
  } finally {
    if (!reader) await r.close();
  }
}

/** `audit --html FILE`: the audit as one self-contained HTML page. */
export async function writeAuditHtml(file: string, opts: AuditOptions, reader?: StoreReader): Promise<AuditReport> {
  const rows = await auditWithRows(opts, reader, true);
  await writeFile(file, renderHtmlReport(auditHtmlModel({ ...rows, source: describeSource(opts.source ?? {}) })));
  return rows.report;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description("compare recorded KPIs and traffic with each station's certified profile; exit 2 on an error finding")
    .option('--profile <file>', 'one profile (applies to every station when it is the only one and nothing binds it)')
    .option('--profiles <dir>', 'a folder of profiles; a profile\'s "binding" key says which stations it applies to')
    .option('--bindings <file>', 'YAML file binding profiles to stations (identity globs or BootNotification vendor/model/firmware)')
    .option('--data <dir>', "the proxy's data folder: its control API while it runs, else its chDB store", './data')
    .option('--clickhouse <url>', 'read a ClickHouse server instead (http://user:password@host:8123/database)')
    .option('--clickhouse-user <name>', 'ClickHouse user (overrides the URL)')
    .option('--clickhouse-password <password>', 'ClickHouse password (overrides the URL)')
    .option('--clickhouse-database <name>', 'ClickHouse database (overrides the URL)')
    .option('--station <glob>', 'only stations whose identity matches (e.g. HYC-*)')
    .option('--since <duration|date>', 'only data since then (e.g. 15m, 2h, 7d, or an ISO date)', parseSince)
    .option('--format <format>', 'table or json', oneOf('table', 'json'), 'table')
    .option('--publish', "write each station's certified KPI figures into the --clickhouse server's certified_kpis table, for the Grafana board (default: off)")
    .option('--html <file>', 'also write the audit as a self-contained HTML report (plots, fleet table, findings with their frames) (default: none)')
    .addHelpText(
      'after',
      ['', 'Examples:', '  ocpp-mitm audit --profile hyc400.json', '  ocpp-mitm audit --profiles ./profiles --bindings bindings.yaml --since 7d --format json', '  (exit code 2 when a finding is an error: a pipeline gate)'].join('\n'),
    )
    .action(async (o: Record<string, string | number | undefined>) => {
      const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
      const html = str('html');
      const auditOpts: AuditOptions = {
        profile: str('profile'),
        profiles: str('profiles'),
        bindings: str('bindings'),
        station: str('station'),
        sinceMicros: typeof o.since === 'number' ? o.since : undefined,
        source: {
          dataDir: str('data'),
          clickhouse: str('clickhouse'),
          clickhouseUser: str('clickhouseUser'),
          clickhousePassword: str('clickhousePassword'),
          clickhouseDatabase: str('clickhouseDatabase'),
        },
      };
      const report = html ? await writeAuditHtml(html, auditOpts) : await auditFromStore(auditOpts);
      if (html) process.stderr.write(`wrote ${html}\n`);
      if (o.publish) {
        const source = auditOpts.source!;
        if (!source.clickhouse) throw new Error('--publish writes into a ClickHouse server: give --clickhouse URL');
        const backend = await openServer(parseClickhouseTarget({ ...source, clickhouse: source.clickhouse }));
        try {
          const n = await publishCertified(backend, report);
          process.stderr.write(`published ${n} certified KPI row(s) to ${backend.where}\n`);
        } finally {
          await backend.close();
        }
      }
      process.stdout.write(`${o.format === 'json' ? JSON.stringify(report, null, 2) : formatAuditTable(report)}\n`);
      process.exitCode = auditExitCode(report);
    });
}
