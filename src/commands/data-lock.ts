/**
 * One proxy per data folder. Its store, spool and control.json cannot be shared: a second proxy on the same folder
 * is stopped at once, in one line naming the proxy that holds it, instead of waiting for the store's file locks to
 * time out. The lock is a file with the holder's pid; one whose process is gone is taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface LockFacts {
  pid: number;
  startedAt: string;
  command: string;
}

const LOCK_FILE = 'ocpp-mitm.lock';
/** Folders this process holds (two proxies in one process are as much a conflict as two processes). */
const held = new Set<string>();

export class DataDirInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirInUseError';
  }
}

/** Take the data folder for this proxy; returns the release. Throws DataDirInUseError naming the holder. */
export function lockDataDir(dir: string): () => void {
  const key = resolve(dir);
  const file = join(dir, LOCK_FILE);
  const facts: LockFacts = { pid: process.pid, startedAt: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  const text = `${JSON.stringify(facts)}\n`;
  if (held.has(key)) throw new DataDirInUseError(`data folder ${dir} is in use by another proxy in this process`);
  try {
    writeFileSync(file, text, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = readHolder(file);
    if (holder && holder.pid !== process.pid && alive(holder.pid)) {
      throw new DataDirInUseError(
        `data folder ${dir} is in use by another ocpp-mitm proxy (pid ${holder.pid}, since ${holder.startedAt}: ${holder.command}); stop it, or give this one another --data folder`,
      );
    }
    writeFileSync(file, text); // its holder is gone: take it over
  }
  held.add(key);
  return () => {
    held.delete(key);
    try {
      if (readHolder(file)?.pid === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

function readHolder(file: string): LockFacts | undefined {
  try {
    const f = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockFacts>;
    return typeof f.pid === 'number' ? { pid: f.pid, startedAt: String(f.startedAt ?? '?'), command: String(f.command ?? '?') } : undefined;
  } catch {
    return undefined; // half-written or not ours: treated as free
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, but another user's
  }
}
