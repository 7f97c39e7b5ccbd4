/**
 * Every feature built into ocpp-mitm, in pipeline order: the fleet's health and drain first (a draining proxy
 * refuses a station before anything else spends work on it), then station and CSMS-leg security (it may refuse a
 * station), validation (of frames as received), rules, translation; observers (KPIs, store, control API, certified
 * profiles) last.
 */
import type { Feature } from './core/feature.js';
import { fleetFeature } from './fleet/index.js';
import { tlsFeature } from './tls/index.js';
import { validationFeature } from './validation/index.js';
import { rulesFeature } from './rules/index.js';
import { translateFeature } from './translate/index.js';
import { kpiFeature } from './kpi/index.js';
import { storeFeature } from './store/index.js';
import { tuiFeature } from './control/index.js';
import { profilesFeature } from './profiles/index.js';

export const FEATURES: readonly Feature[] = [
  fleetFeature,
  tlsFeature,
  validationFeature,
  rulesFeature,
  translateFeature,
  kpiFeature,
  storeFeature,
  tuiFeature,
  profilesFeature,
];
