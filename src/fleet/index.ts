/**
 * Running several proxies behind a load balancer: `/healthz` and `/readyz` on the listen port, a graceful drain
 * on SIGTERM (`--drain-grace`, `--drain-seconds`), and Prometheus metrics (`--metrics`). Shared translation
 * state (`--state redis://`) belongs to the translation feature. See docs/fleet.md.
 */
import { InvalidArgumentError, Option } from 'commander';
import type { Addon } from '../core/addon.js';
import type { Feature } from '../core/feature.js';
import { drainAddon } from './drain-addon.js';
import { FleetState } from './fleet-state.js';
import { healthAddon } from './health-addon.js';
import { metricsAddon } from './metrics-addon.js';

export const FLEET_DEFAULTS = { drainGrace: 5, drainSeconds: 30, probeEveryMs: 5000 };

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected seconds (0 or more, fractions allowed)');
  return n;
}

/** HOST:PORT, [IPv6]:PORT or PORT (then 127.0.0.1: metrics are not for the internet). */
export function metricsAddress(value: string): { host: string; port: number } {
  const v = /^\d+$/.test(value.trim()) ? `127.0.0.1:${value.trim()}` : value.trim();
  let u: URL;
  try {
    u = new URL(`http://${v}`);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not HOST:PORT (e.g. 127.0.0.1:9464)`);
  }
  if (!u.port && !/:0$/.test(v)) throw new InvalidArgumentError(`"${value}" has no port (e.g. 127.0.0.1:9464)`);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 0) };
}

export const fleetFeature: Feature = {
  name: 'fleet',

  startOptions(cmd) {
    cmd
      .addOption(new Option('--drain-grace <s>', 'on SIGTERM, seconds /readyz answers 503 before new stations are refused and sessions start closing (the balancer notices)').argParser(seconds).default(FLEET_DEFAULTS.drainGrace))
      .addOption(new Option('--drain-seconds <s>', 'on SIGTERM, seconds over which open sessions are closed with 1001, evenly spread (0: all at once)').argParser(seconds).default(FLEET_DEFAULTS.drainSeconds))
      .addOption(new Option('--metrics <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (default: off; PORT alone binds 127.0.0.1)').argParser(metricsAddress))
      .option('--metrics-station-label', 'label KPI histograms with the station identity too (one series per station: mind the cardinality)', false);
  },

  addons(opts) {
    const state = new FleetState();
    const addons: Addon[] = [
      healthAddon({ state, probeEveryMs: FLEET_DEFAULTS.probeEveryMs }),
      drainAddon({
        state,
        graceMs: Number(opts.drainGrace ?? FLEET_DEFAULTS.drainGrace) * 1000,
        windowMs: Number(opts.drainSeconds ?? FLEET_DEFAULTS.drainSeconds) * 1000,
      }),
    ];
    const listen = opts.metrics as { host: string; port: number } | undefined;
    if (listen) addons.push(metricsAddon({ state, listen, stationLabel: opts.metricsStationLabel === true }));
    return addons;
  },
};

export { FleetState } from './fleet-state.js';
export { healthAddon } from './health-addon.js';
export { drainAddon, DRAIN_REASON } from './drain-addon.js';
export { metricsAddon } from './metrics-addon.js';
