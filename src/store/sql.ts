/**
 * SQL text helpers. The store builds SQL as text because ClickHouse 18.16 has no query parameters; every value
 * that reaches SQL passes through `str` or `num` here.
 */

/** A ClickHouse string literal. */
export function str(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A finite number literal; anything else is refused rather than spliced into SQL. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/** An integer literal (truncated). */
export const int = (value: number): string => num(Math.trunc(value));

/**
 * An identity glob (`*`, `?`, `[abc]`, `[!abc]`) as an anchored RE2 pattern for ClickHouse's `match()`.
 * Written here rather than taken from picomatch because picomatch emits lookaheads, which RE2 does not have.
 */
export function globToRegex(glob: string): string {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return out + '$';
}

/** A WHERE clause from conditions ('' when none). */
export const where = (conds: string[]): string => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');
