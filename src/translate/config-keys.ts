/**
 * 1.6 configuration keys ↔ 2.0.1 component.variable (shared/translation-1.6-2.0.1.md, 2.0.1 part 2 appendix
 * "Standardized components/variables"). The user extends or overrides it in the translate config.
 */

export interface KeyTarget {
  component: string;
  variable: string;
  /** Variable instance (e.g. MessageAttempts has one per message kind). */
  instance?: string;
  /** 1.6 `readonly` flag reported for this key when the 2.0.1 side cannot tell. */
  readonly?: boolean;
}

export const BUILTIN_KEYS: Readonly<Record<string, KeyTarget>> = {
  HeartbeatInterval: { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' },
  WebSocketPingInterval: { component: 'OCPPCommCtrlr', variable: 'WebSocketPingInterval' },
  TransactionMessageAttempts: { component: 'OCPPCommCtrlr', variable: 'MessageAttempts', instance: 'TransactionEvent' },
  TransactionMessageRetryInterval: { component: 'OCPPCommCtrlr', variable: 'MessageAttemptInterval', instance: 'TransactionEvent' },
  ConnectionTimeOut: { component: 'TxCtrlr', variable: 'EVConnectionTimeOut' },
  StopTransactionOnEVSideDisconnect: { component: 'TxCtrlr', variable: 'StopTxOnEVSideDisconnect' },
  StopTransactionOnInvalidId: { component: 'TxCtrlr', variable: 'StopTxOnInvalidId' },
  MaxEnergyOnInvalidId: { component: 'TxCtrlr', variable: 'MaxEnergyOnInvalidId' },
  MeterValueSampleInterval: { component: 'SampledDataCtrlr', variable: 'TxUpdatedInterval' },
  MeterValuesSampledData: { component: 'SampledDataCtrlr', variable: 'TxUpdatedMeasurands' },
  StopTxnSampledData: { component: 'SampledDataCtrlr', variable: 'TxEndedMeasurands' },
  ClockAlignedDataInterval: { component: 'AlignedDataCtrlr', variable: 'Interval' },
  MeterValuesAlignedData: { component: 'AlignedDataCtrlr', variable: 'Measurands' },
  StopTxnAlignedData: { component: 'AlignedDataCtrlr', variable: 'TxEndedMeasurands' },
  LocalPreAuthorize: { component: 'AuthCtrlr', variable: 'LocalPreAuthorize' },
  LocalAuthorizeOffline: { component: 'AuthCtrlr', variable: 'LocalAuthorizeOffline' },
  AllowOfflineTxForUnknownId: { component: 'AuthCtrlr', variable: 'OfflineTxForUnknownIdEnabled' },
  AuthorizationCacheEnabled: { component: 'AuthCacheCtrlr', variable: 'Enabled' },
  LocalAuthListEnabled: { component: 'LocalAuthListCtrlr', variable: 'Enabled' },
  SendLocalListMaxLength: { component: 'LocalAuthListCtrlr', variable: 'ItemsPerMessage', readonly: true },
  ChargeProfileMaxStackLevel: { component: 'SmartChargingCtrlr', variable: 'ProfileStackLevel', readonly: true },
  ChargingScheduleAllowedChargingRateUnit: { component: 'SmartChargingCtrlr', variable: 'RateUnit', readonly: true },
  ChargingScheduleMaxPeriods: { component: 'SmartChargingCtrlr', variable: 'PeriodsPerSchedule', readonly: true },
  SecurityProfile: { component: 'SecurityCtrlr', variable: 'SecurityProfile' },
  AuthorizationKey: { component: 'SecurityCtrlr', variable: 'BasicAuthPassword' },
  CpoName: { component: 'SecurityCtrlr', variable: 'OrganizationName' },
};

/** Keys whose value is never read back (1.6 security whitepaper: AuthorizationKey is write-only). */
export const WRITE_ONLY_KEYS: ReadonlySet<string> = new Set(['AuthorizationKey']);

export interface KeyMap {
  /** 1.6 key → 2.0.1 target. */
  readonly byKey: ReadonlyMap<string, KeyTarget>;
  /** `component|instance|variable|instance` → 1.6 key. */
  readonly byTarget: ReadonlyMap<string, string>;
}

const targetKey = (component: string, variable: string, variableInstance?: string): string =>
  `${component}\u0000${variable}\u0000${variableInstance ?? ''}`;

export function buildKeyMap(extra: Record<string, KeyTarget>): KeyMap {
  const byKey = new Map<string, KeyTarget>(Object.entries({ ...BUILTIN_KEYS, ...extra }));
  const byTarget = new Map<string, string>();
  for (const [key, t] of byKey) byTarget.set(targetKey(t.component, t.variable, t.instance), key);
  return { byKey, byTarget };
}

/** A 2.0.1 component/variable pair as it appears in Get/SetVariables and NotifyReport. */
export interface ComponentVariable {
  component: { name: string; instance?: string; evse?: { id: number; connectorId?: number } };
  variable: { name: string; instance?: string };
}

/** The 1.6 key for a 2.0.1 component/variable, or undefined. Keys of the unmapped component map by name. */
export function keyOf(map: KeyMap, unmappedComponent: string, cv: ComponentVariable): string | undefined {
  if (cv.component.evse) return undefined;
  const key = map.byTarget.get(targetKey(cv.component.name, cv.variable.name, cv.variable.instance));
  if (key) return key;
  if (cv.component.name === unmappedComponent && !cv.variable.instance && !map.byKey.has(cv.variable.name)) return cv.variable.name;
  return undefined;
}

/** The 2.0.1 component/variable for a 1.6 key (unmapped keys live under the unmapped component). */
export function targetOf(map: KeyMap, unmappedComponent: string, key: string): ComponentVariable & { mapped: boolean } {
  const t = map.byKey.get(key);
  if (!t) return { component: { name: unmappedComponent }, variable: { name: key }, mapped: false };
  return {
    component: { name: t.component },
    variable: t.instance ? { name: t.variable, instance: t.instance } : { name: t.variable },
    mapped: true,
  };
}
