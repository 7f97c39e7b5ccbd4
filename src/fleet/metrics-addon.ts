/**
 * Prometheus metrics (`--metrics HOST:PORT`): an observer that counts frames, sessions, rule hits and KPI samples
 * with prom-client, and a small HTTP server that answers `GET /metrics` on its own port (never the station port:
 * it reveals identities when --metrics-station-label is on, and counts that are nobody's business on the internet).
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Addon, AddonContext, RelayEvent } from '../core/addon.js';
import type { FleetState } from './fleet-state.js';

export interface MetricsAddonOptions {
  state: FleetState;
  listen: { host: string; port: number };
  /** Add a `station` label to the KPI histograms (one series per station and KPI: bound your fleet first). */
  stationLabel: boolean;
}

export interface MetricsAddon extends Addon {
  /** The bound address (after start), for --metrics host:0. */
  address(): { host: string; port: number } | undefined;
}

/** KPI buckets in ms: the certification limits (1 s, 5 s, ...) fall on bucket edges. */
const KPI_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export function metricsAddon(opts: MetricsAddonOptions): MetricsAddon {
  const { state } = opts;
  const register = new Registry();
  let ctx: AddonContext | undefined;
  let server: Server | undefined;
  let bound: { host: string; port: number } | undefined;

  collectDefaultMetrics({ register }); // event-loop lag, RSS, heap, GC, open handles
  const p = 'ocpp_mitm_';
  new Gauge({
    name: `${p}sessions_open`,
    help: 'Open station sessions by the OCPP version the station speaks',
    labelNames: ['version'],
    registers: [register],
    collect() {
      this.reset();
      for (const s of ctx?.sessions() ?? []) this.inc({ version: s.stationVersion ?? 'unknown' });
    },
  });
  const sessionsOpened = new Counter({ name: `${p}sessions_opened_total`, help: 'Station sessions opened since start', labelNames: ['version'], registers: [register] });
  const frames = new Counter({
    name: `${p}frames_total`,
    help: 'Frames relayed, dropped or made by the proxy, by direction, message type, OCPP version and origin (wire = a peer sent it)',
    labelNames: ['direction', 'type', 'version', 'origin'],
    registers: [register],
  });
  const invalid = new Counter({ name: `${p}frames_invalid_total`, help: 'Frames that failed schema validation or were malformed, by OCPP version', labelNames: ['version'], registers: [register] });
  const ruleHits = new Counter({ name: `${p}rule_hits_total`, help: 'Frames a rule matched, by rule id', labelNames: ['rule'], registers: [register] });
  const kpiLabels = opts.stationLabel ? ['kpi', 'station'] : ['kpi'];
  const kpi = new Histogram({ name: `${p}kpi_milliseconds`, help: 'KPI samples (ms) by KPI', labelNames: kpiLabels, buckets: KPI_BUCKETS_MS, registers: [register] });
  const kpiTimeouts = new Counter({ name: `${p}kpi_timeouts_total`, help: 'KPI measurements that timed out, by KPI', labelNames: kpiLabels, registers: [register] });
  new Gauge({
    name: `${p}csms_reachable`,
    help: '1 when the last TCP probe of the CSMS succeeded',
    registers: [register],
    collect() {
      this.set(state.csmsReachable ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}draining`,
    help: '0 serving, 1 draining (/readyz 503), 2 refusing new stations',
    registers: [register],
    collect() {
      this.set(state.phase === 'serving' ? 0 : state.phase === 'draining' ? 1 : 2);
    },
  });
  new Gauge({
    name: `${p}ready`,
    help: '1 when /readyz answers 200',
    registers: [register],
    collect() {
      this.set(state.readiness().ready ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}store_rows`,
    help: 'Store rows by where they are: queued (memory), spooled (disk), wal (write-ahead file), lost (could not be kept)',
    labelNames: ['where'],
    registers: [register],
    collect() {
      this.reset();
      const s = state.store() as unknown as Record<string, unknown> | undefined;
      if (!s) return;
      for (const where of ['queued', 'spooled', 'wal', 'lost']) if (typeof s[where] === 'number') this.set({ where }, s[where] as number);
    },
  });
  new Gauge({
    name: `${p}observer_events_shed`,
    help: 'Observer events dropped because observers fell behind (the relay never waits for them), since start',
    registers: [register],
    collect() {
      this.set(ctx?.stats().observerEventsShed ?? 0);
    },
  });

  const observe = (e: RelayEvent): void => {
    switch (e.type) {
      case 'message': {
        const m = e.message;
        const version = m.version ?? 'unknown';
        frames.inc({ direction: m.direction, type: m.kind, version, origin: m.origin });
        if (!m.valid || m.malformed) invalid.inc({ version });
        for (const rule of m.ruleIds) ruleHits.inc({ rule });
        return;
      }
      case 'session-open':
        sessionsOpened.inc({ version: e.session.stationVersion ?? 'unknown' });
        return;
      case 'kpi': {
        const labels = opts.stationLabel ? { kpi: e.sample.kpi, station: e.sample.identity } : { kpi: e.sample.kpi };
        if (e.sample.valueMs === null) kpiTimeouts.inc(labels);
        else kpi.observe(labels, e.sample.valueMs);
        return;
      }
      default:
        return;
    }
  };

  return {
    name: 'metrics',

    async start(c) {
      ctx = c;
      state.attach(c);
      server = createServer((req, res) => {
        if ((req.url ?? '').split('?')[0] !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('GET /metrics\n');
          return;
        }
        register.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': register.contentType });
            res.end(req.method === 'HEAD' ? undefined : text);
          },
          (err: Error) => {
            c.logger.error({ err }, `metrics: ${err.message}`);
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end('metrics failed\n');
          },
        );
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`--metrics ${opts.listen.host}:${opts.listen.port}: ${err.code ?? err.message}`)));
        server!.listen(opts.listen.port, opts.listen.host, () => resolve());
      });
      const a = server.address();
      bound = { host: opts.listen.host, port: typeof a === 'object' && a ? a.port : opts.listen.port };
      c.logger.info(bound, `metrics on http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}/metrics`);
    },

    observe,

    async stop() {
      const s = server;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections?.(); // scrapers keep connections alive
      });
    },

    address: () => bound,
  };
}
