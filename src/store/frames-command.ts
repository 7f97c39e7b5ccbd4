/** `ocpp-mitm frames`: the recorded frames, filtered; `--follow` keeps printing new ones (polls by sequence). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Direction } from '../core/types.js';
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
  /** Poll interval of --follow (ms). */
  pollMs?: number;
}

const PAYLOAD_WIDTH = 80;

const flags = (f: FrameRow): string =>
  (f.valid ? '' : '!') + (f.dropped ? 'D' : '') + (f.modified ? 'M' : '') + (f.injected ? 'I' : '') || '.';

/** One frame a line; `!` invalid, D dropped, M modified, I injected. */
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
  return withHeader ? text : text.slice(text.indexOf('\n') + 1);
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
): Promise<void> {
  const format = opts.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new Error(`--format: expected table or json, got "${format}"`);
  const q = framesQueryFrom(opts);
  const reader = await openStoreReader(opts);
  try {
    const first = await reader.frames(q);
    if (!opts.follow) {
      write(format === 'json' ? JSON.stringify(first, null, 2) + '\n' : formatFramesTable(first));
      return;
    }
    const emit = (rows: FrameRow[], header: boolean): void => {
      if (format === 'json') for (const r of rows) write(JSON.stringify(r) + '\n');
      else write(formatFramesTable(rows, header));
    };
    emit(first, true);
    let after = first.at(-1)?.seq ?? 0;
    if (first.length === 0) {
      // Nothing matched yet: start after the newest frame of any kind so old frames are not replayed.
      after = (await reader.frames({ limit: 1 })).at(-1)?.seq ?? 0;
    }
    while (!signal?.aborted) {
      await sleep(opts.pollMs ?? 1000, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) break;
      const rows = await reader.frames({ ...q, afterSeq: after, limit: 1000 });
      if (rows.length) {
        emit(rows, false);
        after = rows.at(-1)!.seq;
      }
    }
  } finally {
    await reader.close();
  }
}
