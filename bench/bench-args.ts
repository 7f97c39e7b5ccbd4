/**
 * A benchmark's command line: each option with its default, whose type says how it is read. Numbers are read as
 * numbers (a boolean default makes a flag), and a mistyped one stops the run (rather than put NaN in the results); pass-through option strings
 * (`--proxy-args="--no-store --validate off"`) split into the words to pass on.
 */
import { parseArgs } from 'node:util';

type Defaults = Record<string, number | string | boolean>;
export type BenchArgs<D extends Defaults> = { [K in keyof D]: D[K] extends number ? number : D[K] extends boolean ? boolean : string };

export function benchArgs<D extends Defaults>(defaults: D, argv: string[] = process.argv.slice(2)): BenchArgs<D> {
  const options = Object.fromEntries(
    Object.entries(defaults).map(([name, value]) => [name, typeof value === 'boolean' ? { type: 'boolean' as const, default: value } : { type: 'string' as const, default: String(value) }]),
  );
  const { values } = parseArgs({ args: argv, options });
  const read = ([name, value]: [string, number | string | boolean]): [string, number | string | boolean] => {
    if (typeof value === 'boolean') return [name, values[name] === true];
    const text = String(values[name]);
    if (typeof value === 'string') return [name, text];
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name}: expected a number, got "${text}"`);
    return [name, n];
  };
  return Object.fromEntries(Object.entries(defaults).map(read)) as BenchArgs<D>;
}

/** An option holding arguments for another program, as its words. */
export const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
