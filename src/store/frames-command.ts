/** `ocpp-mitm frames`: the recorded frames, filtered; `--follow` keeps printing new ones (polls by sequence). */
import { setTimeout as sleep } from 'node:timers/promises';
import { FLAG_LEGEND, flagString } from '../core/frame-flags.js';
import type { Direction } from '../core/types.js';
import { readControlInfo } from '../control/control-client.js';
import { ControlReader } from './open-reader.js';
import { parseTimeMicros } from './duration.js';
import { isoMicros, textTable } from './format.js';
import { FRAME_KINDS } from './query-params.js';
import { openStoreReader, type FrameQuery, type FrameRow, type OpenStoreReaderOptions } from './store-reader.js';

export type FramesFormat = 'table' | 'json';

export interface FramesOptions extends OpenStoreReaderOptions {
  station?: string;
  action?: string;
  direction?: string;
  since?: string;
  until?: string;
  invalid?: boolean;
  /** Frame kind (`--type`): CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND, MALFORMED; any case. */
  type?: string;
  limit?: number | string;
  format?: FramesFormat;
  follow?: boolean;
  /** With --follow: when the proxy stops, wait for it to come back and go on following. */
  reconnect?: boolean;
  /** Poll interval of --follow (ms). */
  pollMs?: number;
}

const PAYLOAD_WIDTH = 80;

const flags = (f: FrameRow): string =>
  flagString({ valid: f.valid, modified: f.modified, dropped: f.dropped, injected: f.injected, delayed: (f.ruleDelayMs ?? 0) > 0 });

/** One frame a line, flags as the live view shows them; with the header, the flag legend below. */
export function formatFramesTable(rows: FrameRow[], withHeader = true): string {
  if (rows.length === 0) return withHeader ? 'no frames recorded (for this selection)\n' : '';
  const text = textTable(
    ['time (UTC)', 'station', 'dir', 'kind', 'action', 'id', 'bytes', 'flags', 'ms', 'payload'],
    rows.map((f) => [
      isoMicros(f.receivedAt),
      f.identity,
      f.direction === 'to-csms' ? '→csms' : '→cs',
      f.kind,
      f.action || '-',
      f.messageId,
      String(f.size),
      flags(f),
      f.latencyMs === null ? '' : f.latencyMs.toFixed(1),
      f.text.length > PAYLOAD_WIDTH ? `${f.text.slice(0, PAYLOAD_WIDTH - 1)}…` : f.text,
    ]),
    new Set([6, 8]),
  );
  return withHeader ? `${text}flags: ${FLAG_LEGEND}\n` : text.slice(text.indexOf('\n') + 1);
}

/** A frame for JSON output: `issues` as the JSON array it is, not a string of JSON inside JSON. */
export function frameJson(f: FrameRow): Omit<FrameRow, 'issues'> & { issues: unknown } {
  let issues: unknown = [];
  try {
    issues = JSON.parse(f.issues || '[]');
  } catch {
    issues = f.issues; // not JSON after all: shown as stored
  }
  return { ...f, issues };
}

export function framesQueryFrom(opts: FramesOptions): FrameQuery {
  const direction = opts.direction;
  if (direction !== undefined && direction !== 'to-csms' && direction !== 'to-station') {
    throw new Error(`--direction: expected to-csms or to-station, got "${direction}"`);
  }
  const kind = opts.type?.toUpperCase();
  if (kind !== undefined && !(FRAME_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`--type: expected one of ${FRAME_KINDS.join(', ')}, got "${opts.type}"`);
  }
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new Error(`--limit: expected a positive integer, got "${opts.limit}"`);
  return {
    station: opts.station,
    action: opts.action,
    direction: direction as Direction | undefined,
    sinceMicros: opts.since ? parseTimeMicros(opts.since) : undefined,
    untilMicros: opts.until ? parseTimeMicros(opts.until) : undefined,
    invalidOnly: opts.invalid === true,
    kind,
    limit,
  };
}

/**
 * Runs the command; output goes to `write`. With `follow`, it keeps polling until `signal` aborts; JSON output is
 * then one object a line (NDJSON) instead of one array.
 */
export async function runFrames(
  opts: FramesOptions,
  write: (s: string) => void = (s) => void process.stdout.write(s),
  signal?: AbortSignal,
  notice: (s: string) => void = (s) => void process.stderr.write(s),
): Promise<void> {
  const format = opts.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new Error(`--format: expected table or json, got "${format}"`);
  const q = framesQueryFrom(opts);
  let reader = await openStoreReader(opts);
  try {
    const first = await reader.frames(q).catch((err: unknown) => {
      throw reader instanceof ControlReader && opts.follow ? proxyStopped() : err;
    });
    if (!opts.follow) {
      write(format === 'json' ? JSON.stringify(first.map(frameJson), null, 2) + '\n' : formatFramesTable(first));
      return;
    }
    const emit = (rows: FrameRow[], header: boolean): void => {
      if (format === 'json') for (const r of rows) write(JSON.stringify(frameJson(r)) + '\n');
      else write(formatFramesTable(rows, header));
    };
    emit(first, true);
    // Rows come ordered by time received; the cursor is the highest store sequence seen.
    const newest = (rows: FrameRow[]): number => rows.reduce((m, r) => Math.max(m, r.seq), 0);
    let after = newest(first);
    if (first.length === 0) {
      // Nothing matched yet: start after the newest frame of any kind so old frames are not replayed.
      after = (await reader.frames({ limit: 1 }).catch(() => [])).at(-1)?.seq ?? 0;
    }
    const pollMs = opts.pollMs ?? 1000;
    while (!signal?.aborted) {
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) break;
      let rows: FrameRow[];
      try {
        rows = await reader.frames({ ...q, afterSeq: after, limit: 1000 });
      } catch (err) {
        // Only a running proxy's control API goes away under us; a store read directly reports its own errors.
        if (!(reader instanceof ControlReader)) throw err;
        if (!opts.reconnect) throw proxyStopped();
        notice('ocpp-mitm: the proxy stopped; waiting for it to come back (--reconnect)\n');
        const back = await waitForProxy(opts.dataDir ?? './data', pollMs, signal);
        if (!back) break;
        reader = back;
        notice('ocpp-mitm: the proxy is back; following again\n');
        continue;
      }
      if (rows.length) {
        emit(rows, false);
        after = Math.max(after, newest(rows));
      }
    }
  } finally {
    await reader.close();
  }
}

const proxyStopped = (): Error =>
  new Error('the proxy stopped (its control API no longer answers); frames --follow --reconnect keeps following when it comes back');

/** Poll until a proxy runs on `dataDir` again and answers (only through its control API: never open its store). */
async function waitForProxy(dataDir: string, pollMs: number, signal?: AbortSignal): Promise<ControlReader | undefined> {
  while (!signal?.aborted) {
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    const info = await readControlInfo(dataDir).catch(() => undefined);
    if (!info) continue;
    const reader = new ControlReader(info);
    try {
      await reader.frames({ limit: 1 });
      return reader;
    } catch {
      // starting, or gone again
    }
  }
  return undefined;
}
