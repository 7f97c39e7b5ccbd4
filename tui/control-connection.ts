/**
 * Feeds the view store from a running proxy's control API: the WebSocket stream for events (reconnecting
 * when it drops), and polls for what the stream does not carry (stats, session counters, rules, KPIs,
 * certified profiles, store). A route that answers 404 belongs to a feature this proxy lacks: its panel is
 * hidden, asked again rarely.
 */
import WebSocket from 'ws';
import type { RelayEvent } from '../src/core/addon.js';
import type { SessionInfo } from '../src/core/types.js';
import type { SessionCounters } from '../src/control/traffic-counters.js';
import type { StreamEvent } from '../src/control/wire-format.js';
import type { RuleView, StatsView, ViewStore } from './view-store.js';

export interface ControlTarget {
  url: string;
  token: string;
  /** Fleet view: the name this proxy goes by (its stations are shown with it). */
  name?: string;
}

interface Poll {
  path: string;
  everyMs: number;
  apply(body: unknown): void;
  /** Called on 404: the feature is not there. */
  absent(): void;
  next: number;
}

const ABSENT_RETRY_MS = 15_000;

export class ControlConnection {
  private ws: WebSocket | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly polls: Poll[];
  private inFlight = new Set<string>();
  private lastError = '';

  constructor(
    private readonly target: ControlTarget,
    private readonly store: ViewStore,
    /** primary false: a fleet's other proxies, whose rules, KPI engine, profiles and store panels are not shown. */
    private readonly opts: { backlog?: number; pollMs?: number; primary?: boolean } = {},
  ) {
    const fast = opts.pollMs ?? 1000;
    const name = target.name;
    const polls: Poll[] = [
      { path: '/api/stats', everyMs: fast, apply: (b) => store.setStats(b as StatsView, name), absent: () => undefined, next: 0 },
      {
        path: '/api/sessions',
        everyMs: fast,
        apply: (b) => store.setSessions(b as Array<SessionInfo & { counters?: SessionCounters }>, name),
        absent: () => undefined,
        next: 0,
      },
      { path: '/api/rules', everyMs: fast * 2, apply: (b) => (store.rules = normalizeRules(b)), absent: () => (store.rules = undefined), next: 0 },
      { path: '/api/kpis', everyMs: fast * 2, apply: (b) => (store.kpiApi = b), absent: () => (store.kpiApi = undefined), next: 0 },
      {
        path: '/api/profiles/bound',
        everyMs: fast * 2,
        apply: (b) => (store.profilesBound = b),
        absent: () => (store.profilesBound = undefined),
        next: 0,
      },
      {
        path: '/api/store/stats',
        everyMs: fast * 2,
        apply: (b) => (store.storeStats = b as Record<string, unknown>),
        absent: () => (store.storeStats = undefined),
        next: 0,
      },
    ];
    this.polls = opts.primary === false ? polls.slice(0, 2) : polls;
  }

  start(): void {
    this.connectStream();
    this.timer = setInterval(() => this.tick(), 250);
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnectTimer);
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => undefined);
    this.ws?.terminate();
  }

  async setRuleEnabled(id: string, enabled: boolean): Promise<void> {
    await this.request('POST', `/api/rules/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`);
    const rules = this.polls.find((p) => p.path === '/api/rules');
    if (rules) rules.next = 0;
    this.tick();
  }

  /** POST /api/sessions/:id/inject on this proxy: a frame toward one side of a session it holds. */
  inject(sessionId: string, body: { direction: 'to-csms' | 'to-station'; frame: unknown; timeoutMs?: number }): Promise<unknown> {
    return this.request('POST', `/api/sessions/${encodeURIComponent(sessionId)}/inject`, body);
  }

  private connectStream(): void {
    const url = new URL('/api/stream', this.target.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('backlog', String(this.opts.backlog ?? 2000));
    // The token goes in a header, not the URL, so it never lands in a log line.
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.target.token}` } });
    this.ws = ws;
    ws.on('message', (data) => {
      let event: StreamEvent;
      try {
        event = JSON.parse(data.toString()) as StreamEvent;
      } catch {
        return;
      }
      if (event.type === 'hello') {
        this.lastError = '';
        this.store.setConnection('live', '', this.target.name);
      }
      else if (event.type === 'missed') this.store.noteMissed(event.count);
      else this.store.ingest(event as RelayEvent, this.target.name);
    });
    ws.on('unexpected-response', (_req, res) => {
      this.down(res.statusCode === 401 ? 'token refused (401)' : `stream refused: HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('error', (err) => this.down(err.message));
    ws.on('close', () => {
      this.down(this.lastError || 'stream closed');
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connectStream(), 1000);
    });
  }

  private down(reason: string): void {
    if (this.stopped) return;
    this.lastError = reason;
    this.store.setConnection('down', reason, this.target.name);
  }

  private tick(): void {
    const now = Date.now();
    for (const p of this.polls) {
      if (p.next > now || this.inFlight.has(p.path)) continue;
      this.inFlight.add(p.path);
      this.request('GET', p.path)
        .then(
          (body) => {
            p.apply(body);
            p.next = Date.now() + p.everyMs;
          },
          (err: Error & { status?: number }) => {
            if (err.status === 404) {
              p.absent();
              p.next = Date.now() + ABSENT_RETRY_MS;
            } else {
              p.next = Date.now() + p.everyMs;
            }
          },
        )
        .finally(() => {
          this.inFlight.delete(p.path);
          this.store.changed();
        });
    }
  }

  private async request(method: string, path: string, send?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.target.token}` };
    if (send !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path, this.target.url), { method, headers, body: send === undefined ? undefined : JSON.stringify(send) });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = new Error((body as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`) as Error & { status: number };
      err.status = res.status;
      throw err;
    }
    return body;
  }
}

/** Read the rules addon's list loosely: `[...]` or `{rules: [...]}`, hits under a few likely names. */
export function normalizeRules(body: unknown): RuleView[] {
  const list = Array.isArray(body) ? body : Array.isArray((body as { rules?: unknown })?.rules) ? (body as { rules: unknown[] }).rules : [];
  return list
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
    .map((r) => ({
      id: String(r.id ?? r.name ?? '?'),
      enabled: r.enabled !== false && r.disabled !== true,
      hits: Number(r.hits ?? r.hitCount ?? r.matched ?? (r.stats as { hits?: unknown } | undefined)?.hits ?? 0) || 0,
      description: String(r.description ?? r.explain ?? r.title ?? ''),
    }));
}
