/**
 * What the live view shows, as fed from one proxy's control API or a fleet's (mitmproxy's View apart from its
 * Focus and Settings): the frames on the stream, the stations, the polled stats, rules, KPIs, profiles, store and
 * intercept, and the connection. UI-neutral: no cursor, screen or filter here (view-store.ts adds those), so any
 * feed (one ControlConnection, FleetConnections, a stopped proxy's history) fills the same panes. Events arrive at
 * any rate; `subscribe` listeners are told at most once per `minNotifyMs`, so a screen redraws a bounded number of
 * times per second however busy the relay is.
 */
import type { RelayEvent } from '../src/core/addon.js';
import type { MessageRecord } from '../src/core/relay-message.js';
import type { CloseInfo, SessionInfo } from '../src/core/types.js';
import { RingBuffer } from '../src/control/ring-buffer.js';
import { countFrame, emptyCounters, type SessionCounters } from '../src/control/traffic-counters.js';
import type { ResponseOf, SessionView, StatsView } from '../src/control/contract.js';
import type { InterceptView } from '../src/intercept/intercept-routes.js';
import { KpiHistory, LatencyHistory } from './kpi-history.js';
import { kpiTable, mergeKpiRows, type KpiTable } from './kpi-view.js';

/** A rule as GET /api/rules lists it. */
export type RuleView = ResponseOf<'GET /api/rules'>['rules'][number];

export type Connection = 'connecting' | 'live' | 'down';

export interface StationRow {
  info: SessionInfo;
  counters: SessionCounters | undefined;
  open: boolean;
  close?: CloseInfo;
  /** Fleet view: the proxy this session is on (its name from --connect / the fleet file). */
  instance?: string;
}

export interface ViewDataOptions {
  /** Frames kept in memory (default 20,000). */
  capacity?: number;
  minNotifyMs?: number;
}

export class ViewData {
  readonly records: RingBuffer<MessageRecord>;
  private readonly listeners = new Set<() => void>();
  private readonly minNotifyMs: number;
  private notifyTimer: NodeJS.Timeout | undefined;
  private lastNotify = 0;
  /** The last KPI values per station and KPI, for the KPI screen's histograms (samples shown, not summed up). */
  readonly kpiHistory = new KpiHistory();
  /** The slowest answer per session in each slot of the last minutes, for the stations' latency sparkline. */
  readonly latency = new LatencyHistory();

  /** Bumped on every change: the snapshot `useSyncExternalStore` compares. */
  version = 0;

  readonly stations = new Map<string, StationRow>();
  /**
   * Each session's frames as the event stream brought them. The proxy's counters are polled (every second or so):
   * a station that sent 30 frames and closed between two polls would keep a stale 0/0 or 10/9.
   */
  protected readonly streamed = new Map<string, SessionCounters>();
  /** GET /api/stats; empty until the first answer. */
  stats: Partial<StatsView> = {};
  /** GET /api/rules; undefined when the proxy has no rules addon (404). */
  rules: RuleView[] | undefined;
  /** GET /api/kpis: the KPI engine's figures; undefined when the proxy has no KPI engine (404). */
  kpiApi: ResponseOf<'GET /api/kpis'> | undefined;
  /** GET /api/profiles/bound: each station's certified profile; undefined when the proxy binds none (404). */
  profilesBound: ResponseOf<'GET /api/profiles/bound'> | undefined;
  /** GET /api/store/stats; undefined when the proxy records nothing. */
  storeStats: ResponseOf<'GET /api/store/stats'> | undefined;
  /** GET /api/intercept: the intercept filter and the frames held; undefined when the proxy has no intercept (404). */
  intercept: InterceptView | undefined;
  /** When `intercept` was read (ms): countdowns run from there. */
  interceptReadAt = 0;
  connection: Connection = 'connecting';
  connectionError = '';
  /** Fleet view: each proxy's last stats and connection, by instance name (empty for a single proxy). */
  private readonly statsByInstance = new Map<string, StatsView>();
  private readonly connectionByInstance = new Map<string, { state: Connection; error: string }>();
  private readonly kpisByInstance = new Map<string, ResponseOf<'GET /api/kpis'>>();
  missed = 0;
  lastNotice: Extract<RelayEvent, { type: 'notice' }> | undefined;
  lastNoticeAt = 0;

  constructor(opts: ViewDataOptions = {}) {
    this.records = new RingBuffer(opts.capacity ?? 20_000);
    this.minNotifyMs = opts.minNotifyMs ?? 66;
  }

  // ---- subscription -------------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Mark a change; listeners hear of it at most once per minNotifyMs. */
  changed(now = false): void {
    this.version++;
    if (now) return this.notify();
    if (this.notifyTimer) return;
    const wait = Math.max(0, this.lastNotify + this.minNotifyMs - Date.now());
    this.notifyTimer = setTimeout(() => this.notify(), wait);
  }

  private notify(): void {
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    this.lastNotify = Date.now();
    for (const l of this.listeners) l();
  }

  dispose(): void {
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.listeners.clear();
  }

  // ---- feed ---------------------------------------------------------------------------------------


  /** An event from the stream; `instance` names the proxy it came from in a fleet view. */
  ingest(event: RelayEvent, instance?: string): void {
    switch (event.type) {
      case 'message':
        this.addRecord(event.message);
        break;
      case 'session-open':
        this.stations.set(event.session.id, { info: event.session, counters: undefined, open: true, instance });
        break;
      case 'session-close': {
        const row = this.stations.get(event.session.id);
        this.stations.set(event.session.id, { info: event.session, counters: row?.counters, open: false, close: event.close, instance: instance ?? row?.instance });
        this.pruneClosed();
        break;
      }
      case 'kpi':
        this.kpiHistory.add(event.sample);
        break;
      case 'notice':
        this.lastNotice = event;
        this.lastNoticeAt = Date.now();
        break;
    }
    this.changed();
  }

  noteMissed(count: number): void {
    this.missed += count;
    this.changed();
  }

  /**
   * Replace the open sessions with what GET /api/sessions answered (keeps recently closed ones). In a fleet view,
   * `instance` says which proxy answered: only its sessions are replaced.
   */
  setSessions(list: Array<SessionView | (SessionInfo & { counters?: SessionCounters })>, instance?: string): void {
    const open = new Set(list.map((s) => s.id));
    for (const [id, row] of this.stations) if (row.open && row.instance === instance && !open.has(id)) row.open = false;
    for (const s of list) {
      const { counters, ...info } = s;
      this.stations.set(s.id, { info, counters, open: true, close: undefined, instance });
    }
    this.pruneClosed();
    this.changed();
  }

  /** GET /api/stats of one proxy; in a fleet view the counts of every proxy are summed. */
  setStats(stats: StatsView, instance?: string): void {
    if (instance === undefined) {
      this.stats = stats;
      return;
    }
    this.statsByInstance.set(instance, stats);
    const merged: Record<string, unknown> = {};
    for (const one of this.statsByInstance.values()) {
      for (const [k, v] of Object.entries(one)) {
        if (typeof v === 'number') merged[k] = ((merged[k] as number | undefined) ?? 0) + v;
        else merged[k] ??= v; // listen, upstream: the first proxy's
      }
    }
    this.stats = merged as Partial<StatsView>;
  }

  /** GET /api/kpis of one proxy; in a fleet view each station's rows are merged across the proxies it was on. */
  setKpis(rows: ResponseOf<'GET /api/kpis'>, instance?: string): void {
    if (instance === undefined) {
      this.kpiApi = rows;
      return;
    }
    this.kpisByInstance.set(instance, rows);
    this.kpiApi = mergeKpiRows([...this.kpisByInstance.values()]);
  }

  /** The control stream's state; in a fleet view, live only when every proxy is, and an error names its proxy. */
  setConnection(state: Connection, error: string, instance?: string): void {
    if (instance === undefined) {
      this.connection = state;
      this.connectionError = error;
    } else {
      this.connectionByInstance.set(instance, { state, error });
      const all = [...this.connectionByInstance.entries()];
      const down = all.filter(([, c]) => c.state === 'down');
      this.connection = down.length > 0 ? 'down' : all.every(([, c]) => c.state === 'live') ? 'live' : 'connecting';
      this.connectionError = down.map(([name, c]) => `${name}: ${c.error}`).join('; ');
    }
    this.changed();
  }

  /** Fleet view: the proxies, by name, with the open stations each holds. */
  instances(): Array<{ name: string; open: number }> {
    return [...this.connectionByInstance.keys()].map((name) => ({ name, open: [...this.stations.values()].filter((r) => r.open && r.instance === name).length }));
  }

  private pruneClosed(): void {
    // Keep a few closed sessions visible (the user wants to see who dropped), not all of history.
    const closed = [...this.stations.values()].filter((r) => !r.open);
    for (const r of closed.slice(0, Math.max(0, closed.length - 8))) {
      this.stations.delete(r.info.id);
      this.latency.forget(r.info.id);
      this.streamed.delete(r.info.id);
    }
  }

  /** GET /api/intercept's answer (undefined: this proxy has no intercept). */
  setIntercept(view: InterceptView | undefined): void {
    this.intercept = view;
    this.interceptReadAt = Date.now();
    this.changed();
  }

  private addRecord(r: MessageRecord): void {
    let c = this.streamed.get(r.sessionId);
    if (!c) this.streamed.set(r.sessionId, (c = emptyCounters()));
    countFrame(c, r);
    this.records.push(r);
    if (r.latencyMs !== undefined) this.latency.add(r.sessionId, r.receivedAt / 1000, r.latencyMs);
    this.recordAdded(r);
  }

  /** A frame joined the buffer: what a view keeps of it (its filtered list, its selection) follows here. */
  protected recordAdded(_r: MessageRecord): void {}

  /** The KPI screen's rows: the KPI engine's figures per station, beside the bound profile's certified figures. */
  kpiTable(): KpiTable {
    return kpiTable(this.kpiApi, this.profilesBound);
  }
}
