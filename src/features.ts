/**
 * Every feature built into ocpp-mitm, in pipeline order: the fleet's health and drain first (a draining proxy
 * refuses a station before anything else spends work on it), passthrough (it takes matching stations over before
 * anything parses them), station and CSMS-leg security (it may refuse a station), then validation (of frames as
 * received), rules, translation, intercept (it holds frames as they would be sent); observers (KPIs, store, mirror, control API, certified profiles) last. Capture,
 * replay and the demo only add commands.
 */
import type { Feature } from './core/feature.js';
import { fleetFeature } from './fleet/index.js';
import { tlsFeature } from './tls/index.js';
import { keylogFeature } from './keylog/index.js';
import { passthroughFeature } from './passthrough/index.js';
import { validationFeature } from './validation/index.js';
import { rulesFeature } from './rules/index.js';
import { translateFeature } from './translate/index.js';
import { interceptFeature } from './intercept/index.js';
import { kpiFeature } from './kpi/index.js';
import { storeFeature } from './store/index.js';
import { controlFeature } from './control/index.js';
import { profilesFeature } from './profiles/index.js';
import { captureFeature } from './capture/index.js';
import { replayFeature } from './replay/index.js';
import { mirrorFeature } from './mirror/index.js';
import { demoFeature } from './demo/index.js';

export const FEATURES: readonly Feature[] = [
  fleetFeature,
  passthroughFeature,
  tlsFeature,
  keylogFeature,
  validationFeature,
  rulesFeature,
  translateFeature,
  interceptFeature,
  kpiFeature,
  storeFeature,
  mirrorFeature,
  controlFeature,
  profilesFeature,
  captureFeature,
  replayFeature,
  demoFeature,
];
