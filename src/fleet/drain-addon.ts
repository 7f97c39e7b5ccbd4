/**
 * Graceful drain on SIGTERM. At once: /readyz answers 503, so the balancer stops sending new stations here.
 * After `graceMs` (time for the balancer to notice): new handshakes get 503, and the open sessions are closed
 * with 1001 "going away", spread evenly over `windowMs`, so their stations reconnect elsewhere a few at a time
 * rather than all in the same second. Then the relay stops as usual (rows flushed).
 */
import type { Addon, AddonContext, Session } from '../core/addon.js';
import type { FleetState } from './fleet-state.js';

export interface DrainOptions {
  state: FleetState;
  graceMs: number;
  windowMs: number;
}

export const DRAIN_REASON = 'proxy draining: reconnect';

export function drainAddon(opts: DrainOptions): Addon {
  const { state } = opts;
  let ctx: AddonContext | undefined;

  /** Resolves after `ms`, or at once when aborted. */
  const wait = (ms: number, abort: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (abort.aborted || ms <= 0) return resolve();
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        abort.removeEventListener('abort', done);
        resolve();
      }
      abort.addEventListener('abort', done, { once: true });
    });

  return {
    name: 'drain',

    start(c) {
      ctx = c;
      state.attach(c);
    },

    connecting(c) {
      if (state.phase === 'refusing') c.reject(503, 'proxy draining: try another instance');
    },

    async drain(abort) {
      const c = ctx!;
      state.phase = 'draining';
      c.publish({ type: 'notice', level: 'warn', source: 'drain', text: `draining: /readyz answers 503; stations leave over ${opts.windowMs / 1000} s after ${opts.graceMs / 1000} s` });
      c.logger.info({ graceMs: opts.graceMs, windowMs: opts.windowMs }, 'drain: /readyz answers 503');
      await wait(opts.graceMs, abort);
      state.phase = 'refusing';
      const sessions: Session[] = [...c.sessions()];
      c.logger.info({ sessions: sessions.length }, `drain: refusing new stations; closing ${sessions.length} sessions over ${opts.windowMs / 1000} s`);
      const started = Date.now();
      for (let i = 0; i < sessions.length && !abort.aborted; i++) {
        // Session i leaves at i/n of the window: an even spread, whatever the count.
        await wait(started + (i * opts.windowMs) / sessions.length - Date.now(), abort);
        const s = sessions[i]!;
        if (s.isOpen) s.close(1001, DRAIN_REASON, 'drain');
      }
      c.logger.info('drain: done');
    },
  };
}
