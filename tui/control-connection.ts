/**
 * Feeds the view store from a running proxy's control API: the WebSocket stream for events (reconnecting
 * when it drops), and polls for what the stream does not carry (stats, session counters, rules, KPIs,
 * certified profiles, store). A route that answers 404 belongs to a feature this proxy lacks: its panel is
 * hidden, asked again rarely.
 */
import WebSocket from 'ws';
import type { RelayEvent } from '../src/core/addon.js';
import { callControl, ControlApiError, type ControlTarget as BaseTarget } from '../src/control/api-client.js';
import type { ControlRoute, InjectBody, InjectResult, ResponseOf } from '../src/control/contract.js';
import type { StreamEvent } from '../src/control/wire-format.js';
import type { AnswerBody } from '../src/intercept/held-edit.js';
import type { InterceptClient } from './intercept-commands.js';
import type { InjectClient } from './send-commands.js';
import type { Direction } from '../src/core/types.js';
import type { ViewStore } from './view-store.js';

/** A proxy to follow; in a fleet view its `name` is shown beside its stations. */
export type ControlTarget = BaseTarget & { name?: string };

/** The GET routes the view polls: none takes a path parameter or needs a query. */
type PolledRoute = 'GET /api/stats' | 'GET /api/sessions' | 'GET /api/rules' | 'GET /api/kpis' | 'GET /api/profiles/bound' | 'GET /api/store/stats' | 'GET /api/intercept';

interface Poll {
  route: PolledRoute;
  everyMs: number;
  apply(body: unknown): void;
  /** Called on 404: the feature is not there. */
  absent(): void;
  next: number;
}

/** A poll whose `apply` gets the route's declared answer. */
function poll<K extends PolledRoute & ControlRoute>(route: K, everyMs: number, apply: (body: ResponseOf<K>) => void, absent: () => void = () => undefined): Poll {
  return { route, everyMs, apply: apply as (body: unknown) => void, absent, next: 0 };
}

const ABSENT_RETRY_MS = 15_000;

export class ControlConnection implements InterceptClient, InjectClient {
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
      poll('GET /api/stats', fast, (b) => store.setStats(b, name)),
      poll('GET /api/sessions', fast, (b) => store.setSessions(b, name)),
      poll('GET /api/rules', fast * 2, (b) => (store.rules = b.rules), () => (store.rules = undefined)),
      poll('GET /api/kpis', fast * 2, (b) => store.setKpis(b, name), () => (store.kpiApi = undefined)),
      poll('GET /api/profiles/bound', fast * 2, (b) => (store.profilesBound = b), () => (store.profilesBound = undefined)),
      poll('GET /api/store/stats', fast * 2, (b) => (store.storeStats = b), () => (store.storeStats = undefined)),
      poll('GET /api/intercept', fast, (b) => store.setIntercept(b), () => store.setIntercept(undefined)),
    ];
    // A fleet's other proxies add their stations, counts and KPIs; rules, profiles and store come from the first.
    const fleetWide = new Set<PolledRoute>(['GET /api/stats', 'GET /api/sessions', 'GET /api/kpis']);
    this.polls = opts.primary === false ? polls.filter((p) => fleetWide.has(p.route)) : polls;
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
    await callControl(this.target, enabled ? 'POST /api/rules/:id/enable' : 'POST /api/rules/:id/disable', { params: { id } });
    const rules = this.polls.find((p) => p.route === 'GET /api/rules');
    if (rules) rules.next = 0;
    this.tick();
  }

  /** Send a frame from the view (POST /api/sessions/:id/inject waits for a CALL's answer). */
  inject(sessionId: string, direction: Direction, frame: unknown[]) {
    return callControl(this.target, 'POST /api/sessions/:id/inject', { params: { id: sessionId }, body: { direction, frame } });
  }

  // ---- intercept (InterceptClient): each action refreshes the held list at once --------------------------

  forward(id: number, frame?: unknown[], force?: boolean) {
    return this.thenRefresh(callControl(this.target, 'POST /api/intercept/:id/forward', { params: { id: String(id) }, body: { frame, force } }));
  }

  drop(id: number) {
    return this.thenRefresh(callControl(this.target, 'POST /api/intercept/:id/drop', { params: { id: String(id) } }));
  }

  answer(id: number, body: AnswerBody & { force?: boolean }) {
    return this.thenRefresh(callControl(this.target, 'POST /api/intercept/:id/answer', { params: { id: String(id) }, body }));
  }

  setFilter(filter: string) {
    return this.thenRefresh(callControl(this.target, 'PUT /api/intercept', { body: { filter } }));
  }

  private thenRefresh<T>(p: Promise<T>): Promise<T> {
    return p.finally(() => {
      const held = this.polls.find((x) => x.route === 'GET /api/intercept');
      if (held) held.next = 0;
      this.tick();
    });
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
      if (p.next > now || this.inFlight.has(p.route)) continue;
      this.inFlight.add(p.route);
      // Polled routes take no arguments: the cast only drops the per-route overloads.
      (callControl as (t: ControlTarget, r: PolledRoute) => Promise<unknown>)(this.target, p.route)
        .then(
          (body) => {
            p.apply(body);
            p.next = Date.now() + p.everyMs;
          },
          (err: unknown) => {
            if (err instanceof ControlApiError && err.status === 404) {
              p.absent();
              p.next = Date.now() + ABSENT_RETRY_MS;
            } else {
              p.next = Date.now() + p.everyMs;
            }
          },
        )
        .finally(() => {
          this.inFlight.delete(p.route);
          this.store.changed();
        });
    }
  }
}
