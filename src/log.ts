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
    return pino(base, pretty({ destination: dest, sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
  }
  return pino(base, dest);
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
