/**
 * The KPIs' vocabulary: the five figures the proxy measures and one measured sample, and the `kpi` event the KPI
 * engine publishes on the relay's stream (added to the core's events by augmentation: the core knows no KPI).
 */
export type KpiName =
  | 'response_time'
  | 'csms_response_time'
  | 'triggered_function'
  | 'remote_start_authorization'
  | 'remote_stop_end';

export const KPI_NAMES: readonly KpiName[] = [
  'response_time',
  'csms_response_time',
  'triggered_function',
  'remote_start_authorization',
  'remote_stop_end',
];

export interface KpiSample {
  kpi: KpiName;
  sessionId: string;
  identity: string;
  version: string;
  /** The action that started the measurement (e.g. RemoteStartTransaction). */
  action: string;
  /** The action that ended it (e.g. StartTransaction), or '' on a timeout. */
  endAction: string;
  messageId: string;
  /** Milliseconds, or null when the answer or follow-up never came within the window. */
  valueMs: number | null;
  timedOut: boolean;
  /** Wall clock of the start, µs since the epoch. */
  at: number;
}

declare module '../core/addon.js' {
  interface FeatureEvents {
    /** A KPI measured (or timed out), published by the KPI engine. */
    kpi: { sample: KpiSample };
  }
}
