/**
 * The live view: what it shows (view-data.ts, fed by the control API) plus how it is looked at (mitmproxy's Focus
 * and Settings): the open panel, focused pane, filter, follow and pause, the selection and each panel's cursor,
 * help, flash, the command prompt. Commands call its methods; components subscribe and read. It knows panels only
 * by id (tui/panels/ lists them): the panels' components read this store, so it imports none of them.
 */
import type { MessageRecord } from '../src/core/relay-message.js';
import { MATCH_ALL, parseFilter, type EventFilter } from '../src/control/event-filter.js';
import { RingBuffer } from '../src/control/ring-buffer.js';
import type { InterceptView } from '../src/intercept/intercept-routes.js';
import type { SessionCounters } from '../src/control/traffic-counters.js';
import { nextSortKey, sortStations, type StationSort, type StationSortKey } from './station-sort.js';
import { ViewData, type StationRow, type ViewDataOptions } from './view-data.js';

export type { KpiTable } from './kpi-view.js';
export type { Connection, RuleView, StationRow } from './view-data.js';

export type Pane = 'stations' | 'traffic' | 'detail';
/** The open panel's id (tui/panels/index.ts lists them). */
export type Screen = string;
/** The panel esc goes back to, and the view opens on. */
export const HOME_SCREEN: Screen = 'live';

export interface Viewport {
  trafficRows: number;
  stationRows: number;
  detailRows: number;
}

export type ViewStoreOptions = ViewDataOptions;

export class ViewStore extends ViewData {
  private filteredRing: RingBuffer<MessageRecord>;
  /** Each panel's cursor, by panel id (0 until moved). */
  private cursors = new Map<Screen, number>();
  /** Station table order (S cycles the key, :sort sets it). */
  stationSort: StationSort = { key: 'identity', reverse: false };
  /** The selected transaction's sequence timeline is open (enter on the transactions screen). */
  txTimeline = false;
  txScroll = 0;
  /** A whole session shown as a sequence timeline (T), by session id. */
  timelineSession: string | undefined;
  /** An edit the schema refused, kept so the operator can forward it anyway. */
  refusedEdit: { id: number; frame: unknown[]; kind: 'forward' | 'answer' } | undefined;
  /** The `:` command prompt. */
  editingCommand = false;
  commandDraft = '';
  /** One-line answer to the last operator action (rule toggled, error...). */
  flash = '';
  /** `q` was pressed while quitting would disconnect stations: the next key confirms or cancels. */
  quitPending = false;

  // View state
  screen: Screen = HOME_SCREEN;
  focus: Pane = 'traffic';
  filter: EventFilter = MATCH_ALL;
  filterError = '';
  editingFilter = false;
  filterDraft = '';
  private filterBeforeEdit = '';
  follow = true;
  paused = false;
  private pausedEnd = 0;
  /** Absolute position (in filteredRing.pushed terms) of the selected frame. */
  private selAbs = -1;
  private topAbs = 0;
  stationCursor = 0;
  detailScroll = 0;
  helpScroll = 0;
  detailZoom = false;
  /** The station table shows a latency sparkline instead of the last latency. */
  latencySparkline = false;
  showHelp = false;
  viewport: Viewport = { trafficRows: 10, stationRows: 4, detailRows: 8 };

  constructor(opts: ViewStoreOptions = {}) {
    super(opts);
    this.filteredRing = new RingBuffer(this.records.capacity);
  }

  protected override recordAdded(r: MessageRecord): void {
    if (this.filter.matchRecord(r)) this.filteredRing.push(r);
    if (this.follow && !this.paused) this.selectEnd();
  }

  toggleLatencySparkline(): void {
    this.latencySparkline = !this.latencySparkline;
    this.changed(true);
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** Stations, open first, by identity. */
  stationList(): StationRow[] {
    const rows = [...this.stations.values()].map((row) => ({ ...row, counters: mergeCounters(row.counters, this.streamed.get(row.info.id)) }));
    return sortStations(rows, this.stationSort);
  }

  /** Order the station table by `key` (same key again: reverse it). */
  sortStationsBy(key: StationSortKey = nextSortKey(this.stationSort.key), reverse?: boolean): void {
    this.stationSort = { key, reverse: reverse ?? (key === this.stationSort.key ? !this.stationSort.reverse : false) };
    this.changed(true);
  }

  /** The frames the filter lets through, oldest first (what the summary counts). */
  filteredRecords(): Iterable<MessageRecord> {
    return this.filteredRing;
  }

  private get firstAbs(): number {
    return this.filteredRing.pushed - this.filteredRing.length;
  }

  private get endAbs(): number {
    return this.paused ? Math.max(this.firstAbs, this.pausedEnd) : this.filteredRing.pushed;
  }

  /** Frames in the filtered view (up to the pause point while paused). */
  get viewCount(): number {
    return this.endAbs - this.firstAbs;
  }

  /** Frames that arrived since pausing. */
  get pendingWhilePaused(): number {
    return this.paused ? this.filteredRing.pushed - this.pausedEnd : 0;
  }

  get selectedIndex(): number {
    return this.selAbs < 0 ? -1 : Math.min(Math.max(this.selAbs - this.firstAbs, 0), this.viewCount - 1);
  }

  get selected(): MessageRecord | undefined {
    const i = this.selectedIndex;
    return i < 0 ? undefined : this.filteredRing.at(i);
  }

  /** The rows the traffic pane shows: only these are rendered. */
  visibleRows(rows = this.viewport.trafficRows): { rows: MessageRecord[]; first: number; selected: number } {
    const count = this.viewCount;
    const sel = this.selectedIndex;
    let top = Math.max(0, this.topAbs - this.firstAbs);
    if (sel >= 0 && sel < top) top = sel;
    if (sel >= top + rows) top = sel - rows + 1;
    top = Math.max(0, Math.min(top, Math.max(0, count - rows)));
    this.topAbs = top + this.firstAbs;
    const out: MessageRecord[] = [];
    for (let i = top; i < Math.min(count, top + rows); i++) out.push(this.filteredRing.at(i)!);
    return { rows: out, first: top, selected: sel };
  }

  /** The other half of a CALL/answer pair (a CALLRESULTERROR's: its CALL), if it is still in the buffer. */
  partnerOf(r: MessageRecord): MessageRecord | undefined {
    if (r.kind === 'SEND' || r.kind === 'MALFORMED') return undefined;
    const wantCall = r.kind !== 'CALL';
    for (let i = this.records.length - 1; i >= 0; i--) {
      const o = this.records.at(i)!;
      if (o === r || o.sessionId !== r.sessionId || o.messageId !== r.messageId) continue;
      if (wantCall ? o.kind === 'CALL' : o.kind === 'CALLRESULT' || o.kind === 'CALLERROR') return o;
    }
    return undefined;
  }

  // ---- commands -----------------------------------------------------------------------------------

  setViewport(v: Viewport): void {
    if (v.trafficRows === this.viewport.trafficRows && v.stationRows === this.viewport.stationRows && v.detailRows === this.viewport.detailRows) return;
    this.viewport = v;
    this.changed(true);
  }

  private selectEnd(): void {
    this.selAbs = this.endAbs - 1;
  }

  cursor(panel: Screen): number {
    return this.cursors.get(panel) ?? 0;
  }

  setCursor(panel: Screen, value: number): void {
    this.cursors.set(panel, value);
    this.changed(true);
  }

  scrollHelp(delta: number): void {
    this.helpScroll = Math.max(0, this.helpScroll + delta);
    this.changed(true);
  }

  /** The live panes' cursor keys: move in the focused list by `delta` rows (negative = up), or scroll the detail. */
  moveLive(delta: number): void {
    if (this.focus === 'stations') {
      this.stationCursor = clamp(this.stationCursor + delta, 0, Math.max(0, this.stations.size - 1));
    } else if (this.focus === 'detail' || this.detailZoom) {
      this.detailScroll = Math.max(0, this.detailScroll + delta);
    } else {
      if (this.viewCount === 0) return;
      const idx = clamp((this.selectedIndex < 0 ? this.viewCount - 1 : this.selectedIndex) + delta, 0, this.viewCount - 1);
      this.selAbs = this.firstAbs + idx;
      this.detailScroll = 0;
      // Moving off the newest frame stops following, as in `less +F`; reaching it again resumes.
      this.follow = idx === this.viewCount - 1 && !this.paused;
    }
    this.changed(true);
  }

  /** Rows a page key moves: the detail's when it has the focus or is zoomed, else the traffic's. */
  get pageRows(): number {
    return this.focus === 'detail' || this.detailZoom ? this.viewport.detailRows : this.viewport.trafficRows;
  }

  toggleFollow(): void {
    // While paused, f means "resume and go to the newest", never "stop following".
    this.follow = this.paused ? true : !this.follow;
    this.paused = false;
    if (this.follow) this.selectEnd();
    this.changed(true);
  }

  togglePause(): void {
    this.paused = !this.paused;
    if (this.paused) {
      this.pausedEnd = this.filteredRing.pushed;
    } else if (this.follow) {
      this.selectEnd();
    }
    this.changed(true);
  }

  cycleFocus(step: 1 | -1): void {
    const panes: Pane[] = ['stations', 'traffic', 'detail'];
    this.focus = panes[(panes.indexOf(this.focus) + step + panes.length) % panes.length]!;
    this.changed(true);
  }

  setScreen(screen: Screen): void {
    this.screen = screen;
    this.showHelp = false;
    this.changed(true);
  }

  toggleHelp(): void {
    this.showHelp = !this.showHelp;
    this.helpScroll = 0;
    this.changed(true);
  }

  toggleZoom(): void {
    this.detailZoom = !this.detailZoom;
    this.detailScroll = 0;
    this.changed(true);
  }

  /**
   * Escape: close what is open, innermost first (a panel's own, such as a timeline, is its `back`, asked before
   * this). Returns false when there was nothing to close.
   */
  back(): boolean {
    if (this.showHelp) this.showHelp = false;
    else if (this.detailZoom) this.detailZoom = false;
    else if (this.screen !== HOME_SCREEN) this.screen = HOME_SCREEN;
    else if (!this.filter.empty) this.applyFilter('');
    else return false;
    this.changed(true);
    return true;
  }

  /** Apply filter text; returns the parse error, or '' when it applied. */
  applyFilter(text: string): string {
    const parsed = parseFilter(text);
    if (!parsed.ok) {
      this.filterError = parsed.error;
      this.changed(true);
      return parsed.error;
    }
    const keep = this.selected;
    this.filterError = '';
    this.filter = parsed.filter;
    this.filteredRing = new RingBuffer(this.records.capacity);
    for (const r of this.records) if (parsed.filter.matchRecord(r)) this.filteredRing.push(r);
    this.pausedEnd = this.filteredRing.pushed;
    // Stay on the same frame when the new filter still shows it; else follow the newest.
    let idx = -1;
    if (keep && !this.follow) for (let i = 0; i < this.filteredRing.length && idx < 0; i++) if (this.filteredRing.at(i) === keep) idx = i;
    if (idx >= 0) this.selAbs = idx;
    else this.selectEnd();
    this.changed(true);
    return '';
  }

  /** Open the `:` prompt, with `draft` typed already. */
  startCommandEdit(draft = ''): void {
    this.editingCommand = true;
    this.commandDraft = draft;
    this.changed(true);
  }

  startFilterEdit(): void {
    this.editingFilter = true;
    this.filterBeforeEdit = this.filter.text;
    this.filterDraft = this.filter.text;
    this.filterError = '';
    this.changed(true);
  }

  /**
   * The draft changed: apply it when it parses, so the list narrows as you type. A draft that does not parse is
   * not applied, nor is what it parsed to a keystroke earlier (`foo` on the way to `foo:bar`): the view goes back
   * to the filter from before the edit until the draft parses again.
   */
  editFilter(draft: string): void {
    this.filterDraft = draft;
    const parsed = parseFilter(draft);
    if (parsed.ok) this.applyFilter(draft);
    else {
      if (this.filter.text !== this.filterBeforeEdit) this.applyFilter(this.filterBeforeEdit);
      this.filterError = parsed.error;
    }
    this.changed(true);
  }

  endFilterEdit(accept: boolean): void {
    if (!accept) this.applyFilter(this.filterBeforeEdit);
    else if (this.filterError) return this.changed(true); // an invalid draft stays open for fixing
    this.editingFilter = false;
    this.changed(true);
  }

  /** Narrow the traffic to the station under the stations cursor (enter in the stations pane). */
  filterOnStation(): void {
    const row = this.stationList()[this.stationCursor];
    if (!row) return;
    this.applyFilter(`station:${row.info.identity}`);
    this.focus = 'traffic';
    this.changed(true);
  }

  /** Jump to the other half of the selected CALL/answer pair. */
  gotoPartner(): void {
    const r = this.selected;
    const p = r && this.partnerOf(r);
    if (!p) {
      this.flash = r ? 'its partner is not in the buffer or not in the filter' : '';
      return this.changed(true);
    }
    for (let i = 0; i < this.viewCount; i++) {
      if (this.filteredRing.at(i) === p) {
        this.selAbs = this.firstAbs + i;
        this.follow = false;
        this.detailScroll = 0;
        return this.changed(true);
      }
    }
    this.flash = 'its partner is hidden by the filter';
    this.changed(true);
  }

  /**
   * Frames older than any held, from the store (history): put before the buffer's, the newest of them selected.
   * A full buffer gives up its newest frames for them (paging back, not forward). Returns how many were kept.
   */
  prependHistory(older: MessageRecord[]): number {
    const all = [...older, ...this.records].slice(0, this.records.capacity);
    const kept = Math.min(older.length, all.length);
    this.records.clear();
    for (const r of all) this.records.push(r);
    this.follow = false;
    this.paused = false;
    this.applyFilter(this.filter.text);
    const last = older[kept - 1];
    let idx = -1;
    for (let i = 0; i < this.filteredRing.length; i++) if (last && this.filteredRing.at(i)!.receivedAt <= last.receivedAt) idx = i;
    if (idx >= 0) this.selAbs = this.firstAbs + idx;
    this.changed(true);
    return kept;
  }

  /** Select the first frame in view received at or after `micros` (µs since the epoch); false when none is. */
  gotoTime(micros: number): boolean {
    for (let i = 0; i < this.viewCount; i++) {
      if (this.filteredRing.at(i)!.receivedAt >= micros) {
        this.selAbs = this.firstAbs + i;
        this.follow = false;
        this.detailScroll = 0;
        this.screen = HOME_SCREEN;
        this.changed(true);
        return true;
      }
    }
    return false;
  }

  clearTraffic(): void {
    this.records.clear();
    this.filteredRing = new RingBuffer(this.records.capacity);
    this.selAbs = -1;
    this.topAbs = 0;
    this.pausedEnd = 0;
    this.missed = 0;
    this.changed(true);
  }

  /** Show one session's frames as a sequence timeline (on the transactions screen). */
  showSessionTimeline(sessionId: string): void {
    this.timelineSession = sessionId;
    this.screen = 'transactions';
    this.txTimeline = true;
    this.txScroll = 0;
    this.changed(true);
  }

  toggleTxTimeline(): void {
    this.timelineSession = undefined;
    this.txTimeline = !this.txTimeline;
    this.txScroll = 0;
    this.changed(true);
  }

  scrollTimeline(delta: number): void {
    this.txScroll = Math.max(0, this.txScroll + delta);
    this.changed(true);
  }

  /** esc on the transactions panel: close the timeline; one opened from the live view (T) goes back there. */
  closeTimeline(): boolean {
    if (!this.txTimeline) return false;
    this.txTimeline = false;
    if (this.timelineSession) this.screen = HOME_SCREEN;
    this.timelineSession = undefined;
    this.changed(true);
    return true;
  }

  override setIntercept(view: InterceptView | undefined): void {
    // A refused edit is kept for forwarding anyway only while its frame is still held.
    if (this.refusedEdit && !view?.held.some((h) => h.id === this.refusedEdit!.id)) this.refusedEdit = undefined;
    super.setIntercept(view);
  }

  setFlash(text: string): void {
    this.flash = text;
    this.changed(true);
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

/**
 * The proxy's polled counters and the stream's own count, field by field the larger: the poll lags behind the
 * stream, and the stream misses what came before the view connected.
 */
function mergeCounters(polled: SessionCounters | undefined, streamed: SessionCounters | undefined): SessionCounters | undefined {
  if (!polled || !streamed) return polled ?? streamed;
  const newer = (streamed.lastFrameAt ?? 0) >= (polled.lastFrameAt ?? 0) ? streamed : polled;
  return {
    toCsms: Math.max(polled.toCsms, streamed.toCsms),
    toStation: Math.max(polled.toStation, streamed.toStation),
    invalid: Math.max(polled.invalid, streamed.invalid),
    callErrors: Math.max(polled.callErrors, streamed.callErrors),
    ruleHits: Math.max(polled.ruleHits, streamed.ruleHits),
    lastLatencyMs: newer.lastLatencyMs ?? polled.lastLatencyMs ?? streamed.lastLatencyMs,
    lastFrameAt: newer.lastFrameAt,
  };
}
