/** One logger for the whole program: readable on a TTY, JSON lines with --log-format json. Secrets are redacted. */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'password',
  '*.password',
  'key',
  '*.key',
  'passphrase',
  '*.passphrase',
];

export function createLogger(opts: { format?: LogFormat; level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const format = opts.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const level = opts.level ?? process.env.OCPP_MITM_LOG_LEVEL ?? 'info';
  const dest = opts.destination ?? process.stderr;
  const base = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (format === 'pretty') {
    const colorize = (dest as { isTTY?: boolean }).isTTY === true;
    return pino(base, pretty({ destination: dest, sync: true, colorize, translateTime: 'HH:MM:ss.l', hideObject: true, messageFormat: prettyLine }));
  }
  return pino(base, dest);
}

const NOT_SHOWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

/**
 * One line a record: the message, then only the fields it does not already say (`key=value`), then the error's
 * message. pino-pretty would print every field again below the message.
 */
export function prettyLine(log: Record<string, unknown>, messageKey: string): string {
  const msg = String(log[messageKey] ?? '');
  const extra: string[] = [];
  for (const [k, v] of Object.entries(log)) {
    if (NOT_SHOWN.has(k) || k === messageKey || v === undefined) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (text === undefined || (text.length > 0 && msg.includes(text))) continue;
    extra.push(`${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : text}`);
  }
  const err = log.err as { message?: string } | undefined;
  const cause = err?.message && !msg.includes(err.message) ? `: ${err.message}` : '';
  return `${msg}${cause}${extra.length ? `  ${extra.join(' ')}` : ''}`;
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
