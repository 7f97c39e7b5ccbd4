/**
 * A TranslationContext with no relay behind it: translate frames offline (tests, the benchmark, replays).
 * Notices and the proxy's own CALLs are collected instead of published and injected.
 */
import type { Direction, OcppVersion } from '../core/types.js';
import { emptyState, type StationState } from './station-state.js';
import { parseTranslateConfig, TranslateRules, type OverflowPolicy } from './translate-config.js';
import { OverflowError, type Answer, type Json, type TranslationContext } from './translator-types.js';

export interface OfflineContext extends TranslationContext {
  /** Notices, in order. */
  readonly flags: string[];
  /** CALLs the translator asked the proxy to make, in order. */
  readonly calls: { direction: Direction; action: string; payload: Json; onAnswer?: (a: Answer) => void }[];
}

export interface OfflineContextOptions {
  stationVersion: OcppVersion;
  identity?: string;
  overflow?: OverflowPolicy;
  /** Translate config text (YAML), as given to --translate-config. */
  yaml?: string;
  state?: StationState;
  /** Fixed clock (ISO), for reproducible output. */
  now?: string;
}

export function createOfflineContext(opts: OfflineContextOptions): OfflineContext {
  const identity = opts.identity ?? 'offline';
  const config = new TranslateRules({ file: parseTranslateConfig(opts.yaml ?? ''), overflow: opts.overflow }).configFor(identity);
  const flags: string[] = [];
  const calls: OfflineContext['calls'] = [];
  const fail = (text: string): void => {
    if (config.overflow === 'reject') throw new OverflowError(text);
    flags.push(text);
  };
  return {
    identity,
    stationVersion: opts.stationVersion,
    config,
    state: opts.state ?? emptyState(),
    changed: () => {},
    flag: (t) => void flags.push(t),
    fit(value, max, field) {
      if (value.length <= max) return value;
      fail(`${field} of ${value.length} characters exceeds ${max}`);
      return value.slice(0, max);
    },
    lose: fail,
    call: (direction, action, payload, onAnswer) => void calls.push({ direction, action, payload, onAnswer }),
    now: () => opts.now ?? new Date().toISOString(),
    flags,
    calls,
  };
}
