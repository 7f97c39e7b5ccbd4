/**
 * Capture feature: `export` recorded sessions as JSON lines or HAR (Chrome's WebSocket layout), `import` such a
 * capture (ours or a browser's) into a store. See docs/capture.md.
 *
 * @example
 *   ocpp-mitm export --station CP-1 --since 2h --format har --out cp1.har --payloads redacted
 *   ocpp-mitm import cp1.har --data ./lab
 */
import { Option, type Command } from 'commander';
import type { Feature } from '../core/feature.js';
import type { OpenStoreReaderOptions } from '../store/store-reader.js';
import { runExport, type ExportFormat } from './export-command.js';
import { runImport } from './import-command.js';

export { runExport, selectSessions, sessionFrames, type ExportOptions } from './export-command.js';
export { runImport, openWritableStore } from './import-command.js';
export { parseCapture } from './parse-capture.js';
export type { Capture, FrameRecord, SessionRecord } from './capture-record.js';

/** Where to read or write: the same three ways as `report` and `frames`. */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', "the proxy's data folder: its control API while it runs, else its chDB store", './data')
    .option('--clickhouse <url>', 'a ClickHouse server instead (http://user:password@host:8123/database)')
    .option('--clickhouse-user <name>', 'ClickHouse user (overrides the URL)')
    .option('--clickhouse-password <password>', 'ClickHouse password (overrides the URL; or OCPP_MITM_CLICKHOUSE_PASSWORD)')
    .option('--clickhouse-database <name>', 'ClickHouse database (overrides the URL)');
}

export const storeSourceOf = (o: Record<string, unknown>): OpenStoreReaderOptions => ({
  dataDir: o.data as string | undefined,
  clickhouse: o.clickhouse as string | undefined,
  clickhouseUser: o.clickhouseUser as string | undefined,
  clickhousePassword: (o.clickhousePassword as string | undefined) ?? process.env.OCPP_MITM_CLICKHOUSE_PASSWORD,
  clickhouseDatabase: o.clickhouseDatabase as string | undefined,
});

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const captureFeature: Feature = {
  name: 'capture',
  commands(program) {
    addStoreOptions(program.command('export').description('recorded sessions as JSON lines or HAR 1.2 (WebSocket messages as Chrome writes them)'))
      .addOption(new Option('--format <format>', 'jsonl (one record a line) or har').choices(['jsonl', 'har']).default('jsonl'))
      .option('--out <file>', 'write here instead of stdout (progress goes to stderr either way)')
      .option('--station <glob>', 'stations whose identity matches (e.g. CP-*)')
      .option('--session <id>', 'this session (repeatable)', collect)
      .option('--action <name>', 'only CALLs of this action and their answers')
      .addOption(new Option('--direction <dir>', 'only one way').choices(['to-csms', 'to-station']))
      .option('--since <duration|date>', 'frames since then (e.g. 15m, or an ISO date)')
      .option('--until <duration|date>', 'frames before then')
      .option('--invalid', 'only frames that failed validation or were malformed')
      .addOption(new Option('--payloads <mode>', 'full, or redacted (idTag/idToken, passwords and keys masked)').choices(['full', 'redacted']).default('full'))
      .action(async (o: Record<string, unknown>) => {
        await runExport({
          ...storeSourceOf(o),
          format: o.format as ExportFormat,
          out: o.out as string | undefined,
          station: o.station as string | undefined,
          session: o.session as string[] | undefined,
          action: o.action as string | undefined,
          direction: o.direction as string | undefined,
          since: o.since as string | undefined,
          until: o.until as string | undefined,
          invalid: o.invalid === true,
          payloads: o.payloads as 'full' | 'redacted',
        });
      });

    addStoreOptions(program.command('import').description('load a capture (our JSON lines or HAR, or a browser\'s HAR) into a store; all or nothing').argument('<file>', 'the capture file'))
      .action(async (file: string, o: Record<string, unknown>) => {
        await runImport({ ...storeSourceOf(o), file });
      });
  },
};
