/**
 * What the health, drain and metrics addons of one proxy share: whether it drains, whether the CSMS answers,
 * and how the store is doing. One object per proxy, made by the fleet feature.
 */
import type { AddonContext } from '../core/addon.js';

/** Rows lost within this window keep a proxy not ready. */
const LOSS_WINDOW_MS = 30_000;

export type DrainPhase = 'serving' | 'draining' | 'refusing';

/** The store's counters as its control route gives them (read through the route table: no import of the store). */
export interface StoreView {
  state: string;
  queued: number;
  spooled: number;
  lost: number;
}

export class FleetState {
  /** serving; draining: /readyz 503, stations still welcome; refusing: new handshakes 503 too. */
  phase: DrainPhase = 'serving';
  /** undefined until the first probe answered. */
  csmsReachable: boolean | undefined;
  csmsError = '';
  /** Lost rows seen so far, and when the count last grew: rows lost lately mean the spool cannot be written. */
  private lostSeen = 0;
  private lostAt = 0;
  private ctx: AddonContext | undefined;

  attach(ctx: AddonContext): void {
    this.ctx ??= ctx;
  }

  /** The store's counters, or undefined when no store runs (--no-store) or it has not started. */
  store(): StoreView | undefined {
    const route = this.ctx?.control.match('GET', '/api/store/stats');
    if (!route) return undefined;
    try {
      const stats = route.handler({ method: 'GET', params: {}, query: new URLSearchParams(), body: undefined, headers: {} });
      return stats && typeof stats === 'object' && 'state' in stats ? (stats as StoreView) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Readiness and why, in words safe to show anyone (no URL, no credential). */
  readiness(): { ready: boolean; checks: Record<string, string> } {
    const checks: Record<string, string> = {};
    let ready = true;
    if (this.phase !== 'serving') {
      ready = false;
      checks.drain = this.phase;
    } else checks.drain = 'serving';
    if (this.csmsReachable === true) checks.csms = 'reachable';
    else {
      ready = false;
      checks.csms = this.csmsReachable === undefined ? 'not probed yet' : `unreachable (${this.csmsError})`;
    }
    const store = this.store();
    if (!store) checks.store = 'off';
    else {
      // Writing, or spooling to disk while ClickHouse is away, is fine; losing rows (disk full) or closed is not.
      // "Lately" (not "since the last check"): /readyz and the metrics' ready gauge both ask.
      if (store.lost > this.lostSeen) {
        this.lostSeen = store.lost;
        this.lostAt = Date.now();
      }
      const losing = this.lostAt > 0 && Date.now() - this.lostAt < LOSS_WINDOW_MS;
      if (losing || store.state === 'closed') {
        ready = false;
        checks.store = losing ? 'losing rows (spool cannot be written)' : store.state;
      } else checks.store = store.state === 'down' ? 'spooling' : store.state;
    }
    return { ready, checks };
  }
}
