/**
 * Store feature: every session, frame, request/response pair and KPI sample recorded in ClickHouse (embedded chDB
 * in `--data`, a server with `--clickhouse`, or a cluster with `--clickhouse-cluster`), through a write-ahead log in `--data` so a crash or an outage loses nothing; `report` and `frames` read
 * it back. See docs/store.md.
 *
 * @example
 *   ocpp-mitm start --upstream ws://csms:9000/ocpp/ --payloads redacted
 *   ocpp-mitm report --since 2h --format csv
 *   ocpp-mitm frames --station 'CP-*' --invalid --follow
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Feature } from '../core/feature.js';
import { parseDuration } from './duration.js';
import { runFrames, type FramesOptions } from './frames-command.js';
import { PAYLOAD_MODES, type PayloadMode } from './redact.js';
import { runReport, type ReportOptions } from './report-command.js';
import { createStoreAddon, STORE_DEFAULTS } from './store-addon.js';
import { STORE_PRIORITIES, type StorePriority } from './chdb-process-backend.js';
import type { OpenStoreReaderOptions } from './store-reader.js';
import { positiveWholeNumber } from '../core/parse-options.js';
import { FSYNC_MODES, type FsyncMode } from './wal.js';

export { createStoreAddon, STORE_DEFAULTS, type StoreAddon, type StoreAddonOptions } from './store-addon.js';
export { openStoreReader } from './store-reader.js';
export type { FrameQuery, FrameRow, KpiSummaryRow, SessionRow, StoreReader } from './store-reader.js';
export type { StoreStats } from './writer.js';
export { runReport, formatReport } from './report-command.js';
export { runFrames, formatFramesTable } from './frames-command.js';


function retentionDays(value: string): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  const days = Math.ceil(ms / 86_400_000);
  if (days < 1) throw new InvalidArgumentError('retention is counted in whole days (e.g. 30d)');
  return days;
}

/** Where to read: the same three ways for `report` and `frames`. */
function addSourceOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', "the proxy's data folder: its control API while it runs, else its chDB store", './data')
    .option('--clickhouse <url>', "read a ClickHouse server instead (http://user:password@host:8123/database); a cluster's nodes as URL,URL,… (any one answers)")
    .option('--clickhouse-user <name>', 'ClickHouse user (overrides the URL)')
    .option('--clickhouse-password <password>', 'ClickHouse password (overrides the URL; or OCPP_MITM_CLICKHOUSE_PASSWORD)')
    .option('--clickhouse-database <name>', 'ClickHouse database (overrides the URL)');
}

const sourceOf = (o: Record<string, unknown>): OpenStoreReaderOptions => ({
  dataDir: o.data as string | undefined,
  clickhouse: o.clickhouse as string | undefined,
  clickhouseUser: o.clickhouseUser as string | undefined,
  clickhousePassword: o.clickhousePassword as string | undefined,
  clickhouseDatabase: o.clickhouseDatabase as string | undefined,
});

export const storeFeature: Feature = {
  name: 'store',

  startOptions(cmd) {
    cmd
      .option('--clickhouse <url>', 'record into this ClickHouse server (http://user:password@host:8123/database) instead of the embedded chDB in --data; with --clickhouse-cluster, the nodes as URL,URL,…')
      .option('--clickhouse-cluster <name>', 'record into this cluster (defined in the servers\' remote_servers) through Distributed tables, sharded by station; default: none (one server)')
      .option('--clickhouse-user <name>', 'ClickHouse user (overrides the URL)')
      .option('--clickhouse-password <password>', 'ClickHouse password (overrides the URL; or set OCPP_MITM_CLICKHOUSE_PASSWORD)')
      .option('--clickhouse-database <name>', 'ClickHouse database, created when missing (overrides the URL)')
      .addOption(new Option('--payloads <mode>', 'frame text kept: full, redacted (idTag/idToken and passwords masked), none').choices([...PAYLOAD_MODES]).default(STORE_DEFAULTS.payloads))
      .addOption(new Option('--store-batch-rows <n>', 'rows per INSERT of a table').argParser(positiveWholeNumber).default(STORE_DEFAULTS.batchRows))
      .addOption(new Option('--store-flush-ms <ms>', 'longest a row waits in memory before it is written').argParser(positiveWholeNumber).default(STORE_DEFAULTS.flushMs))
      .addOption(new Option('--store-retention <duration>', 'drop rows older than this (e.g. 30d; needs ClickHouse 20.1+ for TTL)').argParser(retentionDays))
      .addOption(
        new Option('--store-priority <priority>', 'CPU priority of the embedded chDB process: idle (only CPU the relay leaves free), low (nice 19), normal')
          .choices([...STORE_PRIORITIES])
          .default('idle'),
      )
      .addOption(
        new Option('--store-fsync <when>', 'flush the write-ahead log to the disk: never (survives a process crash), interval (every second; also a power loss, up to 1 s lost), always (every append)')
          .choices([...FSYNC_MODES])
          .default(STORE_DEFAULTS.fsync),
      )
      .addOption(new Option('--store-wal-max <MiB>', 'bound of the write-ahead log in <data>/wal; past it rows are counted as lost').argParser(positiveWholeNumber).default(STORE_DEFAULTS.walMaxMiB))
      .addOption(new Option('--no-store-wal', 'record without the write-ahead log: rows not yet inserted are lost in a crash or a ClickHouse outage (for comparison; default: the log is on)'))
      .addOption(new Option('--no-store', 'record nothing'));
  },

  addons(opts, env) {
    if (opts.store === false) return [];
    return [
      createStoreAddon({
        dataDir: env.relay.dataDir,
        clickhouse: opts.clickhouse as string | undefined,
        clickhouseUser: opts.clickhouseUser as string | undefined,
        clickhousePassword: opts.clickhousePassword as string | undefined,
        clickhouseDatabase: opts.clickhouseDatabase as string | undefined,
        clickhouseCluster: opts.clickhouseCluster as string | undefined,
        payloads: opts.payloads as PayloadMode | undefined,
        batchRows: opts.storeBatchRows as number | undefined,
        flushMs: opts.storeFlushMs as number | undefined,
        retentionDays: opts.storeRetention as number | undefined,
        priority: opts.storePriority as StorePriority | undefined,
        fsync: opts.storeFsync as FsyncMode | undefined,
        walMaxBytes: typeof opts.storeWalMax === 'number' ? opts.storeWalMax * 1024 * 1024 : undefined,
        wal: opts.storeWal !== false,
      }),
    ];
  },

  commands(program) {
    addSourceOptions(program.command('report').description('KPIs per station from the store: count, timeouts, min, avg, p50, p95, p99, max (ms)'))
      .option('--station <glob>', 'stations whose identity matches (e.g. CP-*)')
      .option('--since <duration|date>', 'samples since then (e.g. 15m, 2h, 7d, or an ISO date)')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
      .option('--mirror', 'instead of KPIs: shadow-CSMS answers (start --mirror) compared and differing, per action')
      .option('--html <file>', 'write a self-contained HTML report (distributions, KPIs over time, fleet table) to this file instead (default: none)')
      .addHelpText('after', ['', 'Examples:', '  ocpp-mitm report', '  ocpp-mitm report --station "CP-*" --since 2h --format csv > kpis.csv', '  ocpp-mitm report --clickhouse http://user:pass@host:8123/ocpp'].join('\n'))
      .action(async (o: Record<string, unknown>) => {
        await runReport({
          ...sourceOf(o),
          station: o.station as string | undefined,
          since: o.since as string | undefined,
          format: o.format as ReportOptions['format'],
          mirror: o.mirror === true,
          html: o.html as string | undefined,
        });
      });

    addSourceOptions(program.command('frames').description('recorded frames, newest last; --follow keeps printing new ones'))
      .option('--station <glob>', 'stations whose identity matches (e.g. CP-*)')
      .option('--action <name>', 'CALLs of this action and their answers')
      .addOption(new Option('--direction <dir>', 'only one way').choices(['to-csms', 'to-station']))
      .option('--since <duration|date>', 'frames since then (e.g. 15m, or an ISO date)')
      .option('--until <duration|date>', 'frames before then')
      .option('--invalid', 'only frames that failed validation or were malformed')
      .option('--type <kind>', 'only frames of this kind: CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND (OCPP 2.1) or MALFORMED (default: all)')
      .option('--limit <n>', 'the newest N frames', positiveWholeNumber, 100)
      .addOption(new Option('--format <format>', 'output format (json with --follow: one object a line)').choices(['table', 'json']).default('table'))
      .option('--follow', 'keep printing new frames until interrupted (or until the proxy stops)')
      .option('--reconnect', 'with --follow: when the proxy stops, wait for it to come back and keep following')
      .addHelpText('after', ['', 'Examples:', '  ocpp-mitm frames --station CP-1 --limit 20', '  ocpp-mitm frames --action StartTransaction --invalid --format json', '  ocpp-mitm frames --follow --reconnect'].join('\n'))
      .action(async (o: Record<string, unknown>) => {
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          const f = o as FramesOptions;
          const q: FramesOptions = { station: f.station, action: f.action, direction: f.direction, since: f.since, until: f.until };
          await runFrames({ ...sourceOf(o), ...q, invalid: f.invalid, type: f.type, limit: f.limit, format: f.format, follow: f.follow, reconnect: f.reconnect }, undefined, ac.signal);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      });
  },
};
