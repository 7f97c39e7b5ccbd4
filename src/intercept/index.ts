/**
 * Intercept feature: hold frames matching a filter for an operator to forward, edit, drop or answer, from the
 * live view or the control API (see docs/intercept.md).
 *
 * @example
 *   ocpp-mitm start --upstream ws://csms:9000/ocpp/ --intercept 'action:RemoteStart* dir:to-station'
 *   curl -X PUT -H "authorization: Bearer $TOKEN" -d '{"filter":"action:Reset"}' "$CONTROL/api/intercept"
 */
import { Option } from 'commander';
import type { Feature } from '../core/feature.js';
import { positiveWholeNumber } from '../core/parse-options.js';
import { parseFilter } from '../control/event-filter.js';
import { createInterceptAddon } from './intercept-addon.js';

export { createInterceptAddon, type InterceptAddon, type InterceptAddonOptions } from './intercept-addon.js';
export type { HeldView, InterceptRoutes, InterceptView, ReleaseResult } from './intercept-routes.js';

export const DEFAULT_INTERCEPT_TIMEOUT_S = 60;

export const interceptFeature: Feature = {
  name: 'intercept',
  startOptions(cmd) {
    cmd.addOption(
      new Option('--intercept <filter>', 'hold frames matching this filter (the live view\'s / language) for the operator to forward, edit, drop or answer (default: none; set it later with `:intercept` or PUT /api/intercept)'),
    );
    cmd.addOption(
      new Option('--intercept-timeout <s>', 'seconds a held frame waits before it is released unchanged').default(DEFAULT_INTERCEPT_TIMEOUT_S).argParser(positiveWholeNumber),
    );
  },
  addons(opts) {
    const filter = (opts.intercept as string | undefined) ?? '';
    const parsed = parseFilter(filter);
    if (!parsed.ok) throw new Error(`--intercept: ${parsed.error}`);
    const seconds = (opts.interceptTimeout as number | undefined) ?? DEFAULT_INTERCEPT_TIMEOUT_S;
    return [createInterceptAddon({ filter, timeoutMs: seconds * 1000 })];
  },
};
