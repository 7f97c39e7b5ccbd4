/**
 * The KPI engine as an addon: it measures the station-performance figures of OCA certificates on live traffic.
 * It uses only the `observe` hook (off the relay path, so it can never delay a frame): the MessageRecords carry
 * both monotonic µs stamps it needs. Samples are published as `{ type: 'kpi' }` events and summed up per station,
 * readable through `summary()` and `GET /api/kpis?station=GLOB&kpi=NAME`.
 */
import picomatch from 'picomatch';
import { type Addon, type AddonContext, type RelayEvent } from '../core/addon.js';
import { KPI_NAMES, type KpiName } from './kpi-types.js';
import type { MessageRecord } from '../core/relay-message.js';
import { nowMicros, type SessionInfo } from '../core/types.js';
import { KpiBoard, type KpiSummary } from './kpi-stats.js';
import { registerKpiRoutes } from './kpi-routes.js';
import { SessionTracker, type Outcome, type TrackedSession } from './session-tracker.js';
import { StationFrame } from './station-frame.js';

/**
 * How long a measurement may stay open before it counts as a timeout (ms). Answers: 30 s, the usual OCPP-J
 * response timeout and the largest vendor maximum in the certificates we know. Follow-ups: 60 s, twice that.
 */
export const DEFAULT_WINDOWS_MS: Readonly<Record<KpiName, number>> = {
  response_time: 30_000,
  csms_response_time: 30_000,
  triggered_function: 60_000,
  remote_start_authorization: 60_000,
  remote_stop_end: 60_000,
};

/** Slack before the sweep calls a timeout, so an answer already read but still queued toward observers wins. */
const SWEEP_GRACE_MS = 250;

export interface KpiAddonOptions {
  /** Timeout window per KPI (ms); the rest keep DEFAULT_WINDOWS_MS. */
  windows?: Partial<Record<KpiName, number>>;
}

export type KpiAddon = Addon & {
  /** The timeout window of each KPI in effect (ms). */
  readonly windows: Readonly<Record<KpiName, number>>;
  /** Live figures, one row per station and KPI; `station` is an identity or a glob (picomatch). */
  summary(station?: string): KpiSummary[];
};

export function createKpiAddon(opts: KpiAddonOptions = {}): KpiAddon {
  const windows = resolveWindows(opts.windows);
  const board = new KpiBoard(windows);
  const trackers = new Map<string, SessionTracker>();
  const minWindow = Math.min(...Object.values(windows));
  const sweepEveryMs = Math.min(1000, Math.max(25, Math.floor(minWindow / 10)));
  let ctx: AddonContext | undefined;
  let timer: NodeJS.Timeout | undefined;

  function onOutcome(session: TrackedSession, o: Outcome): void {
    if ('sample' in o) {
      board.record(o.sample);
      ctx?.publish({ type: 'kpi', sample: o.sample });
    } else if ('send' in o) {
      board.countSend(session.identity, session.version, o.send);
    } else {
      board.notCounted(session.identity, session.version, o.kpi, o.notCounted);
    }
  }

  function newTracker(info: Pick<SessionInfo, 'id' | 'identity' | 'stationVersion' | 'csmsVersion'>): SessionTracker {
    const session: TrackedSession = { id: info.id, identity: info.identity, version: info.stationVersion ?? info.csmsVersion ?? '' };
    const t = new SessionTracker(session, windows, (o) => onOutcome(session, o));
    trackers.set(session.id, t);
    board.touch(session.identity, session.version);
    return t;
  }

  /**
   * Normally made at session-open. A live session whose open event this addon missed (shed) is measured all the
   * same; frames of a session already closed (a delayed frame dropped after the close) are ignored.
   */
  function trackerFor(rec: MessageRecord): SessionTracker | undefined {
    const t = trackers.get(rec.sessionId);
    if (t || !ctx) return t;
    const live = ctx.session(rec.sessionId);
    return live ? newTracker(live) : undefined;
  }

  function observe(event: RelayEvent): void {
    switch (event.type) {
      case 'session-open':
        if (!trackers.has(event.session.id)) newTracker(event.session);
        return;
      case 'message': {
        trackerFor(event.message)?.onFrame(new StationFrame(event.message));
        return;
      }
      case 'session-close': {
        const t = trackers.get(event.session.id);
        if (!t) return;
        trackers.delete(event.session.id);
        t.close(event.close.closedAt);
        return;
      }
      default:
        return;
    }
  }

  function sweep(): void {
    const now = nowMicros();
    for (const t of trackers.values()) t.expire(now, SWEEP_GRACE_MS * 1000);
  }

  function summary(station?: string): KpiSummary[] {
    if (station === undefined || station === '') return board.summary();
    const isMatch = picomatch(station, { dot: true });
    return board.summary((identity) => identity === station || isMatch(identity));
  }

  return {
    name: 'kpis',
    start(c) {
      ctx = c;
      registerKpiRoutes(c.control, summary);
      timer = setInterval(sweep, sweepEveryMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      // Sessions closed before stop; anything left (events shed) is cancelled, not guessed.
      const now = nowMicros();
      for (const t of trackers.values()) t.close(now);
      trackers.clear();
    },
    observe,
    summary,
    windows,
  };
}

function resolveWindows(partial: Partial<Record<KpiName, number>> | undefined): Record<KpiName, number> {
  const windows = { ...DEFAULT_WINDOWS_MS };
  for (const [kpi, ms] of Object.entries(partial ?? {})) {
    if (!KPI_NAMES.includes(kpi as KpiName)) throw new Error(`unknown KPI '${kpi}': one of ${KPI_NAMES.join(', ')}`);
    if (ms === undefined) continue;
    if (!Number.isFinite(ms) || ms <= 0) throw new Error(`KPI window for ${kpi} must be a positive number of ms, got ${ms}`);
    windows[kpi as KpiName] = ms;
  }
  return windows;
}
