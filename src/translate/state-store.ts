/**
 * Durable translation state: one JSON file per station under `<dataDir>/translation/`, replaced atomically
 * (write a temp file, then rename) so a crash leaves the old or the new state, never half of one.
 * Writes are coalesced off the relay path (one write per station per tick, whatever the number of changes);
 * `flush()` waits for them (relay stop). Reads happen once per identity, when its first session opens.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyState, type StationState } from './station-state.js';

/** Longest a non-urgent change waits before it is written. */
export const LAZY_MS = 1000;

/** Where translation state lives: files per station (default) or Redis shared by a fleet (redis-state-store.ts). */
export interface StationStateStore {
  /**
   * Before a translated station's session opens: make its state current in this process and own it (Redis: read
   * it and claim it). Rejects, naming the cause, when the state cannot be read: the station must then be refused.
   */
  claim(identity: string): Promise<void>;
  /** The station's state, once per session as it opens (claimed before). Mutated in place by the translators. */
  get(identity: string): StationState;
  /** The state changed: write it soon (at the end of this turn, or within LAZY_MS when not urgent). */
  changed(identity: string, urgent?: boolean): void;
  /** A session of this station closed here (its last change was marked before). */
  release(identity: string): void;
  /** Wait until every change so far is written (or given up on, with a log). */
  flush(): Promise<void>;
  /** Connect (shared stores): rejects naming the cause; the store keeps trying in the background. */
  open?(): Promise<void>;
  close?(): Promise<void>;
}

export class StateStore implements StationStateStore {
  private readonly states = new Map<string, StationState>();
  private readonly dirty = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;

  /** `dir` undefined: state lives in memory only (tests of pure translators). */
  constructor(private readonly dir: string | undefined, private readonly onError: (err: Error) => void = () => {}) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  private fileOf(identity: string): string {
    return join(this.dir!, `${encodeURIComponent(identity)}.json`);
  }

  /** Files are read lazily by `get`, which never fails (an unreadable file starts afresh and is logged). */
  async claim(): Promise<void> {}

  /** Kept in memory: the next session of the station reads it from here. */
  release(): void {}

  /** The state of a station, read from disk the first time (a missing or unreadable file starts afresh). */
  get(identity: string): StationState {
    let s = this.states.get(identity);
    if (s) return s;
    s = emptyState();
    if (this.dir) {
      try {
        const read = JSON.parse(readFileSync(this.fileOf(identity), 'utf8')) as StationState;
        if (read?.v === 1) s = { ...s, ...read };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err as Error);
      }
    }
    this.states.set(identity, s);
    return s;
  }

  /** Mark a station's state for writing: at the end of this event-loop turn, or within LAZY_MS when not urgent. */
  changed(identity: string, urgent = true): void {
    if (!this.dir) return;
    this.dirty.add(identity);
    if (!urgent) {
      this.lazyTimer ??= setTimeout(() => {
        this.lazyTimer = undefined;
        this.writing = this.writing.then(() => this.writeDirty());
      }, LAZY_MS).unref();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.writing = this.writing.then(() => this.writeDirty());
    });
  }

  private async writeDirty(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    await mkdir(this.dir!, { recursive: true });
    for (const id of ids) {
      const file = this.fileOf(id);
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify(this.states.get(id)));
        await rename(tmp, file);
      } catch (err) {
        this.onError(err as Error);
      }
    }
  }

  /** Wait until every change so far is on disk. */
  async flush(): Promise<void> {
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    if (this.dirty.size > 0) this.writing = this.writing.then(() => this.writeDirty());
    await this.writing;
  }
}
