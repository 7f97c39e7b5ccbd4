/**
 * Conformance checks on one station's recorded frames against its certified profile:
 * uncertified actions, EVSE/connector ids beyond the hardware, heartbeat and ping intervals outside the certified
 * limits, and items or bytes per message above the certified settings.
 */
import { profileOfAction, resultFor } from './action-profiles.js';
import type { CertifiedProfile, SettingValue } from './profile-types.js';
import { payloadOf, toIso, type AuditFrame, type Evidence, type FindingSink } from './audit-types.js';

const evidenceOf = (f: AuditFrame): Evidence => ({ at: toIso(f.receivedAt), seq: f.seq, messageId: f.messageId, direction: f.direction });

/** A setting by name, ignoring case and spaces ("Minimum HeartbeatInterval supported"); numbers only. */
export function numericSetting(settings: Record<string, SettingValue> | undefined, name: string): number | undefined {
  const key = name.toLowerCase().replace(/\s+/g, '');
  const hit = Object.entries(settings ?? {}).find(([k]) => k.toLowerCase().replace(/\s+/g, '') === key)?.[1];
  if (typeof hit === 'number') return hit;
  return typeof hit === 'string' && /^\d+(\.\d+)?$/.test(hit.trim()) ? Number(hit) : undefined;
}

const INJECTED = new Set(['rule', 'operator', 'proxy']);

export function checkFrames(station: string, profile: CertifiedProfile, frames: readonly AuditFrame[], sink: FindingSink): void {
  // CALLRESULTs name no action: find it through the CALL they answer (same id, opposite direction).
  const callActions = new Map<string, string>();
  for (const f of frames) {
    // Frames a rule or an operator injected test the station on purpose: they say nothing of the CSMS or the station.
    if (f.origin && INJECTED.has(f.origin)) continue;
    const payload = f.kind === 'CALL' || f.kind === 'CALLRESULT' ? payloadOf(f.text) : undefined;
    if (f.kind === 'CALL') {
      callActions.set(`${f.direction}:${f.messageId}`, f.action);
      checkAction(station, profile, f, sink);
      checkIds(station, profile, f, payload, sink);
      checkLimits(station, profile, f, payload, sink);
      checkIntervalsSet(station, profile, f, payload, sink);
    } else if (f.kind === 'CALLRESULT') {
      const asked = f.direction === 'to-csms' ? 'to-station' : 'to-csms';
      const action = f.action || callActions.get(`${asked}:${f.messageId}`);
      const p = payload as { status?: unknown; interval?: unknown } | undefined;
      if (action === 'BootNotification' && f.direction === 'to-station' && p?.status === 'Accepted' && typeof p.interval === 'number') {
        checkInterval(station, profile, 'Heartbeat', p.interval, 'BootNotification response interval', f, sink);
      }
    }
  }
}

function checkAction(station: string, profile: CertifiedProfile, f: AuditFrame, sink: FindingSink): void {
  // A profile that lists no certification profiles (a hand-written one) says nothing about actions.
  if (!profile.profiles || Object.keys(profile.profiles).length === 0) return;
  const owner = profileOfAction(profile.ocppVersion, f.action);
  if (!owner) return;
  const result = resultFor(owner.extension ? profile.extensions : profile.profiles, owner.name);
  if (result && /^pass(ed)?$/i.test(result.trim())) return;
  const byCsms = f.direction === 'to-station';
  const status = result ? `"${result}"` : 'not listed';
  sink.add(
    {
      level: byCsms ? 'error' : 'warning',
      station,
      code: 'uncertified_action',
      message: `${f.action} ${byCsms ? 'sent by the CSMS' : 'sent by the station'}: ${owner.extension ? 'extension' : 'profile'} ${owner.name} is ${status} in the certificate`,
    },
    f.action,
    evidenceOf(f),
  );
}

/** EVSE and connector ids a payload refers to: `evseId`, `evse: {id, connectorId}`, and (1.6) `connectorId`. */
export function idRefs(payload: unknown, version: CertifiedProfile['ocppVersion']): Array<{ evse?: number; connector?: number }> {
  const out: Array<{ evse?: number; connector?: number }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isInteger(x) ? x : undefined);
    if (version === '1.6') {
      const c = num(o.connectorId);
      if (c !== undefined) out.push({ connector: c });
    } else {
      const evse = o.evse && typeof o.evse === 'object' ? (o.evse as Record<string, unknown>) : undefined;
      if (evse && num(evse.id) !== undefined) out.push({ evse: num(evse.id)!, connector: num(evse.connectorId) });
      else if (num(o.evseId) !== undefined) out.push({ evse: num(o.evseId)!, connector: num(o.connectorId) });
    }
    for (const [k, child] of Object.entries(o)) if (k !== 'evse') walk(child);
  };
  walk(payload);
  return out;
}

function checkIds(station: string, profile: CertifiedProfile, f: AuditFrame, payload: unknown, sink: FindingSink): void {
  const count = profile.evseCount ?? (profile.connectors?.length || undefined);
  if (!count) return;
  const who = f.direction === 'to-station' ? 'the CSMS' : 'the station';
  for (const ref of idRefs(payload, profile.ocppVersion)) {
    if (profile.ocppVersion === '1.6') {
      if (ref.connector !== undefined && ref.connector > count) {
        sink.add(
          { level: 'error', station, code: 'connector_out_of_range', message: `${f.action} from ${who} names connector ${ref.connector}; certified hardware has ${count} connector(s)` },
          `c${ref.connector}`,
          evidenceOf(f),
        );
      }
      continue;
    }
    if (ref.evse === undefined) continue;
    if (ref.evse > count) {
      sink.add(
        { level: 'error', station, code: 'evse_out_of_range', message: `${f.action} from ${who} names EVSE ${ref.evse}; certified hardware has ${count} EVSE(s)` },
        `e${ref.evse}`,
        evidenceOf(f),
      );
      continue;
    }
    const perEvse = (profile.connectors ?? []).filter((c) => c.evse === ref.evse).length;
    if (ref.evse > 0 && ref.connector !== undefined && perEvse > 0 && ref.connector > perEvse) {
      sink.add(
        { level: 'error', station, code: 'connector_out_of_range', message: `${f.action} from ${who} names connector ${ref.connector} of EVSE ${ref.evse}; certified EVSE ${ref.evse} has ${perEvse} connector(s)` },
        `e${ref.evse}c${ref.connector}`,
        evidenceOf(f),
      );
    }
  }
}

interface Limit {
  version: CertifiedProfile['ocppVersion'];
  action: string;
  what: string;
  items?: string;
  bytes?: string;
  count: (p: Record<string, unknown>) => number | undefined;
}
const len = (v: unknown): number | undefined => (Array.isArray(v) ? v.length : undefined);
const LIMITS: Limit[] = [
  { version: '1.6', action: 'GetConfiguration', what: 'keys', items: 'GetConfigurationMaxKeys', count: (p) => len(p.key) },
  { version: '1.6', action: 'SendLocalList', what: 'list entries', items: 'SendLocalListMaxLength', count: (p) => len(p.localAuthorizationList) },
  { version: '2.0.1', action: 'GetVariables', what: 'items', items: 'ItemsPerMessageGetVariables', bytes: 'BytesPerMessageGetVariables', count: (p) => len(p.getVariableData) },
  { version: '2.0.1', action: 'SetVariables', what: 'items', items: 'ItemsPerMessageSetVariables', bytes: 'BytesPerMessageSetVariables', count: (p) => len(p.setVariableData) },
  { version: '2.0.1', action: 'GetReport', what: 'items', items: 'ItemsPerMessageGetReport', bytes: 'BytesPerMessageGetReport', count: (p) => len(p.componentVariable) },
  { version: '2.0.1', action: 'SendLocalList', what: 'list entries', items: 'ItemsPerMessageSendLocalList', bytes: 'BytesPerMessageSendLocalList', count: (p) => len(p.localAuthorizationList) },
];

function checkLimits(station: string, profile: CertifiedProfile, f: AuditFrame, payload: unknown, sink: FindingSink): void {
  if (f.direction !== 'to-station' || !payload || typeof payload !== 'object') return;
  const p = payload as Record<string, unknown>;
  for (const l of LIMITS) {
    // 2.1 keeps 2.0.1's per-message limits (same device model variables).
    const version = profile.ocppVersion === '2.1' ? '2.0.1' : profile.ocppVersion;
    if (l.version !== version || l.action !== f.action) continue;
    const max = l.items ? numericSetting(profile.settings, l.items) : undefined;
    const n = l.count(p);
    if (max !== undefined && n !== undefined && n > max) {
      sink.add(
        { level: 'error', station, code: 'message_limit_exceeded', message: `${f.action} with ${n} ${l.what}; certified ${l.items} is ${max}` },
        l.items!,
        evidenceOf(f),
      );
    }
    const maxBytes = l.bytes ? numericSetting(profile.settings, l.bytes) : undefined;
    const bytes = f.size || Buffer.byteLength(f.text ?? '');
    if (maxBytes !== undefined && bytes > maxBytes) {
      sink.add(
        { level: 'error', station, code: 'message_limit_exceeded', message: `${f.action} of ${bytes} bytes; certified ${l.bytes} is ${maxBytes}` },
        l.bytes!,
        evidenceOf(f),
      );
    }
  }
  // Charging profile stack levels beyond the certified maximum.
  const maxStack = numericSetting(profile.settings, 'ChargingProfileMaxStackLevel');
  if (f.action === 'SetChargingProfile' && maxStack !== undefined) {
    const cp = (p.csChargingProfiles ?? p.chargingProfile) as { stackLevel?: unknown } | undefined;
    if (typeof cp?.stackLevel === 'number' && cp.stackLevel > maxStack) {
      sink.add(
        { level: 'error', station, code: 'message_limit_exceeded', message: `SetChargingProfile with stackLevel ${cp.stackLevel}; certified ChargingProfileMaxStackLevel is ${maxStack}` },
        'ChargingProfileMaxStackLevel',
        evidenceOf(f),
      );
    }
  }
}

/** HeartbeatInterval / WebSocketPingInterval set by ChangeConfiguration (1.6) or SetVariables on OCPPCommCtrlr (2.0.1). */
function checkIntervalsSet(station: string, profile: CertifiedProfile, f: AuditFrame, payload: unknown, sink: FindingSink): void {
  if (f.direction !== 'to-station' || !payload || typeof payload !== 'object') return;
  const p = payload as Record<string, unknown>;
  const pairs: Array<[string, unknown]> = [];
  if (f.action === 'ChangeConfiguration') pairs.push([String(p.key), p.value]);
  if (f.action === 'SetVariables' && Array.isArray(p.setVariableData)) {
    type SetVariable = { component?: { name?: unknown }; variable?: { name?: unknown }; attributeType?: unknown; attributeValue?: unknown };
    for (const d of p.setVariableData as SetVariable[]) {
      if (d?.component?.name === 'OCPPCommCtrlr' && (d.attributeType ?? 'Actual') === 'Actual') pairs.push([String(d.variable?.name), d.attributeValue]);
    }
  }
  for (const [key, raw] of pairs) {
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
    if (value === undefined) continue;
    if (key === 'HeartbeatInterval') checkInterval(station, profile, 'Heartbeat', value, `${f.action} HeartbeatInterval`, f, sink);
    if (key === 'WebSocketPingInterval') checkInterval(station, profile, 'WebSocketPing', value, `${f.action} WebSocketPingInterval`, f, sink);
  }
}

function checkInterval(
  station: string,
  profile: CertifiedProfile,
  kind: 'Heartbeat' | 'WebSocketPing',
  value: number,
  what: string,
  f: AuditFrame,
  sink: FindingSink,
): void {
  const min = numericSetting(profile.settings, `Minimum ${kind}Interval supported`);
  const max = numericSetting(profile.settings, `Maximum ${kind}Interval supported`);
  const below = min !== undefined && value < min;
  const above = max !== undefined && value > max;
  if (!below && !above) return;
  sink.add(
    {
      level: 'warning',
      station,
      code: kind === 'Heartbeat' ? 'heartbeat_interval_out_of_range' : 'ping_interval_out_of_range',
      message: `${what} ${value} s is ${below ? `below the certified minimum ${min}` : `above the certified maximum ${max}`} s`,
    },
    `${kind}:${value}`,
    evidenceOf(f),
  );
}
