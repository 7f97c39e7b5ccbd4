/**
 * Whole control-API answers for view tests, built from the fields a test cares about: the live view's store is
 * typed by the control contract, so its fixtures are answers the real routes could give.
 */
import type { KpiName } from '../../src/kpi/kpi-types.js';
import type { KpiSummary } from '../../src/kpi/kpi-stats.js';
import type { BoundStation, ProfileSummary } from '../../src/profiles/profile-binding-addon.js';
import type { RuleView } from '../../src/rules/rule-views.js';

export const kpiSummaryRow = (row: Pick<KpiSummary, 'station' | 'count'> & Partial<Omit<KpiSummary, 'kpi'>> & { kpi: KpiName | string }): KpiSummary => ({
  version: '2.0.1',
  windowMs: 60_000,
  timeouts: 0,
  rejected: 0,
  excluded: 0,
  cancelled: 0,
  min: null,
  avg: null,
  p50: null,
  p95: null,
  p99: null,
  max: null,
  last: null,
  lastAt: null,
  percentileOf: row.count,
  sends: { fromStation: 0, toStation: 0 },
  ...row,
  kpi: row.kpi as KpiName,
});

export const profileSummary = (p: Pick<ProfileSummary, 'name' | 'product'> & Partial<ProfileSummary>): ProfileSummary => ({
  file: `/profiles/${p.name}.json`,
  certificateNumber: null,
  holder: null,
  softwareVersion: null,
  ocppVersion: '2.0.1',
  ...p,
});

export const boundStation = (b: Pick<BoundStation, 'station'> & Partial<BoundStation>): BoundStation => ({
  connected: true,
  boot: null,
  profile: null,
  via: null,
  source: null,
  since: new Date(0).toISOString(),
  kpis: null,
  ...b,
});

export const ruleView = (r: Pick<RuleView, 'id' | 'enabled' | 'hits'> & Partial<RuleView>): RuleView => ({
  description: undefined,
  file: 'rules/test.yaml',
  line: 1,
  enabledInFile: r.enabled,
  overridden: false,
  explain: '',
  matched: r.hits,
  lastHitAt: null,
  definition: { id: r.id, actions: [] },
  ...r,
});
