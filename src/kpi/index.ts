/**
 * KPI feature: certificate-style station performance figures measured on live traffic (see docs/kpis.md).
 *
 * @example
 *   ocpp-mitm start --upstream ws://csms:9000/ocpp/ --kpi-timeout 90000
 *   curl -H "authorization: Bearer $TOKEN" "$CONTROL/api/kpis?station=CP-*&kpi=response_time"
 */
import { InvalidArgumentError, Option } from 'commander';
import { KPI_NAMES, type KpiName } from './kpi-types.js';
import type { Feature } from '../core/feature.js';
import { milliseconds } from '../core/parse-options.js';
import { createKpiAddon } from './kpi-addon.js';

export { createKpiAddon, DEFAULT_WINDOWS_MS, type KpiAddon, type KpiAddonOptions } from './kpi-addon.js';
export { RING_SIZE, type KpiSummary } from './kpi-stats.js';
export { TRIGGERED_ACTION, REPORT_ACTION } from './follow-ups.js';


export const kpiFeature: Feature = {
  name: 'kpis',
  startOptions(cmd) {
    cmd.addOption(
      new Option(
        '--kpi-timeout <ms>',
        'window after which an unanswered request or a missing follow-up counts as a KPI timeout, for all five KPIs ' +
          '(default: 30000 for response times, 60000 for triggered messages, remote start and stop)',
      ).argParser(milliseconds),
    );
    cmd.addOption(new Option('--no-kpis', 'do not measure KPIs'));
  },
  addons(opts) {
    if (opts.kpis === false) return [];
    const timeout = opts.kpiTimeout as number | undefined;
    const windows = timeout === undefined ? undefined : (Object.fromEntries(KPI_NAMES.map((k) => [k, timeout])) as Record<KpiName, number>);
    return [createKpiAddon({ windows })];
  },
};
