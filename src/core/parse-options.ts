/** Parsers for command-line values, shared by `start` and every feature's options (commander calls them). */
import { InvalidArgumentError } from 'commander';

/** Parse HOST:PORT (IPv6 in brackets), as given to --listen and --control. */
export function parseHostPort(value: string, defaultHost = '0.0.0.0'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim()) ?? /^()()(\d{1,5})$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not HOST:PORT (e.g. 0.0.0.0:9000, [::]:9000 or 9000)`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range (0-65535)`);
  return { host: m[1] || m[2] || defaultHost, port };
}

function whole(value: string, min: 0 | 1, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`"${value}" is not ${what}`);
  return n;
}

/** A whole number ≥ 0 (0 usually means "off" or "until quit"). */
export const wholeNumber = (value: string): number => whole(value, 0, 'a whole number (0 or more)');

/** A whole number ≥ 1. */
export const positiveWholeNumber = (value: string): number => whole(value, 1, 'a positive whole number');

/** A positive whole number of milliseconds. */
export const milliseconds = (value: string): number => whole(value, 1, 'a positive whole number of milliseconds');
