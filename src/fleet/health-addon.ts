/**
 * `/healthz` and `/readyz` on the listen port, for load balancers (HAProxy `option httpchk GET /readyz`) and
 * orchestrators. Plain HTTP, no auth, so they say nothing private: no URL, no identity, no credential.
 * Only these two paths are claimed; any other plain request is left to the next addon (or the relay's 426).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Addon } from '../core/addon.js';
import { startProbe } from './csms-probe.js';
import type { FleetState } from './fleet-state.js';

export const HEALTH_PATHS = ['/healthz', '/readyz'] as const;

export interface HealthAddonOptions {
  state: FleetState;
  /** How often the CSMS is probed (ms). */
  probeEveryMs: number;
}

export function healthAddon(opts: HealthAddonOptions): Addon {
  const { state } = opts;
  let probe: ReturnType<typeof startProbe> | undefined;

  const answer = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void => {
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  };

  return {
    name: 'health',

    async start(ctx) {
      state.attach(ctx);
      probe = startProbe(ctx.options.upstream, opts.probeEveryMs, (r) => {
        if (r.ok !== state.csmsReachable) {
          const text = r.ok ? 'CSMS reachable' : `CSMS unreachable (${r.error}): /readyz answers 503`;
          if (r.ok) ctx.logger.info(text);
          else ctx.logger.warn(text);
        }
        state.csmsReachable = r.ok;
        state.csmsError = r.error;
      });
      await probe.first;
    },

    stop() {
      probe?.stop();
    },

    httpRequest(req, res) {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/healthz' && path !== '/readyz') return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
        res.end('GET or HEAD\n');
        return true;
      }
      if (path === '/healthz') {
        answer(req, res, 200, { status: 'alive' });
        return true;
      }
      const r = state.readiness();
      answer(req, res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks });
      return true;
    },
  };
}
