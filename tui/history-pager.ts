/**
 * History: pages back into the store past the in-memory buffer (`H`), a page of frames at a time, older than the
 * oldest frame held; the view's filter applies to them as to live frames. On a stopped proxy's folder
 * (`ocpp-mitm tui --data DIR` with no proxy running) it is the whole view: the recorded sessions and frames.
 */
import type { StoreReader } from '../src/store/store-types.js';
import { frameToRecord, sessionToInfo } from './history-records.js';
import type { ViewStore } from './view-store.js';

export const HISTORY_PAGE = 500;

export class HistoryPager {
  private reader: Promise<StoreReader> | undefined;
  private busy = false;
  /** No frame older than the oldest held is recorded. */
  atBeginning = false;

  constructor(
    private readonly open: () => Promise<StoreReader>,
    private readonly pageSize = HISTORY_PAGE,
  ) {}

  private get store(): Promise<StoreReader> {
    this.reader ??= this.open();
    return this.reader;
  }

  /** Load the page of frames before the oldest held; says what happened. */
  async older(view: ViewStore): Promise<string> {
    if (this.busy) return 'loading history…';
    this.busy = true;
    try {
      const reader = await this.store;
      const oldest = view.records.at(0)?.receivedAt;
      const rows = await reader.frames({ untilMicros: oldest ?? Date.now() * 1000 + 1, limit: this.pageSize });
      const held = new Set<number>();
      for (const r of view.records) if (r.receivedAt === oldest) held.add(r.seq);
      const records = rows.map(frameToRecord).filter((r) => !held.has(r.seq));
      if (records.length === 0) {
        this.atBeginning = true;
        return 'history: the beginning of the recording';
      }
      const kept = view.prependHistory(records);
      return `history: ${kept} older frames loaded${kept < records.length ? ' (the buffer is full)' : ''}`;
    } catch (err) {
      return `history: ${(err as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Page back until the buffer reaches `micros` (or the beginning of the recording, or a full buffer), for
   * `:goto` to a time older than what is held. Says what happened when it could not get there.
   */
  async reach(view: ViewStore, micros: number): Promise<string | undefined> {
    let last: string | undefined;
    for (;;) {
      const oldest = view.records.at(0)?.receivedAt;
      if (oldest !== undefined && oldest <= micros) return undefined;
      if (this.atBeginning) return last ?? 'history: the beginning of the recording';
      const before = view.records.length;
      last = await this.older(view);
      if (view.records.length === before) return last;
      if (view.records.length >= view.records.capacity) return `${last} — the buffer is full`;
    }
  }

  /** A stopped proxy's folder: its recorded sessions, then the newest page of frames. */
  async openRecording(view: ViewStore, dataDir: string): Promise<void> {
    view.setConnection('down', `proxy stopped: what ${dataDir} recorded (H: older frames)`);
    try {
      const sessions = await (await this.store).sessions({});
      for (const s of sessions) {
        const info = sessionToInfo(s);
        view.ingest({ type: 'session-open', session: info });
        if (s.closedAt !== null) {
          view.ingest({ type: 'session-close', session: info, close: { initiator: 'proxy', code: s.closeCode ?? 1006, reason: s.closeReason, closedAt: s.closedAt } });
        }
      }
    } catch (err) {
      view.setFlash(`history: ${(err as Error).message}`);
    }
    view.setFlash(await this.older(view));
  }

  async close(): Promise<void> {
    if (this.reader) await (await this.reader).close().catch(() => undefined);
  }
}
