/**
 * Every feature built into ocpp-mitm, in pipeline order: station auth (TLS) first, then validation, rules,
 * translation; observers (KPIs, store, control API) last.
 */
import type { Feature } from './core/feature.js';

export const FEATURES: readonly Feature[] = [];
