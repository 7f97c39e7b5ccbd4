/**
 * A translating relay between real ocpp-rpc peers in strict mode: a station of one version, a CSMS of the other,
 * the validation addon (observe) and the translation addon, and a recorder of every event. Each test gets its own
 * ports and data folder.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RPCClient } from 'ocpp-rpc';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import type { OcppVersion } from '../../src/core/types.js';
import { translateAddon } from '../../src/translate/translate-addon.js';
import { parseTranslateConfig, TranslateRules, type OverflowPolicy } from '../../src/translate/translate-config.js';
import { createValidationAddon } from '../../src/validation/validation-addon.js';
import { connectStation, startCsms, type Handler, type RpcServerClient, type TestCsms } from '../support/ocpp-peers.js';
import { validator } from './translate-helpers.js';

export const PROTOCOL: Record<OcppVersion, string> = { '1.6': 'ocpp1.6', '2.0.1': 'ocpp2.0.1', '2.1': 'ocpp2.1' };
const otherVersion = (v: OcppVersion): OcppVersion => (v === '1.6' ? '2.0.1' : '1.6');

export interface Rig {
  relay: Relay;
  csms: TestCsms;
  station: RPCClient;
  /** The CSMS's handle on the station (to make CSMS → station calls). */
  csmsClient: RpcServerClient;
  events: RelayEvent[];
  dataDir: string;
  /** CALLs the station received (method, params), in order. */
  stationReceived: Array<{ method: string; params: any }>;
  messages(): MessageRecord[];
  notices(): string[];
  /** Wait for the observer queue to drain. */
  settle(ms?: number): Promise<void>;
  /** Close the relay only (keep the CSMS and data folder): a proxy restart. */
  restartRelay(): Promise<void>;
  reconnectStation(): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  stationVersion: OcppVersion;
  /** Default: 1.6 for a 2.0.1 station, 2.0.1 for a 1.6 one. */
  csmsVersion?: OcppVersion;
  identity?: string;
  csmsHandlers?: Record<string, Handler>;
  stationHandlers?: Record<string, Handler>;
  overflow?: OverflowPolicy;
  yaml?: string;
  dataDir?: string;
}

export async function startRig(opts: RigOptions): Promise<Rig> {
  const identity = opts.identity ?? 'CP-T1';
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'ocpp-mitm-translate-')));
  const csmsVersion = opts.csmsVersion ?? otherVersion(opts.stationVersion);
  const csms = await startCsms({ protocols: [PROTOCOL[csmsVersion]], handlers: opts.csmsHandlers });
  const events: RelayEvent[] = [];
  const stationReceived: Rig['stationReceived'] = [];
  const recorder: Addon = { name: 'test-recorder', observe: (e) => void events.push(e) };

  const makeRelay = (): Promise<Relay> =>
    startRelay({
      upstream: csms.url,
      dataDir,
      addons: [
        createValidationAddon({ mode: 'observe', validator: validator() }),
        translateAddon({
          rules: new TranslateRules({ file: parseTranslateConfig(opts.yaml ?? ''), upstreamProtocol: PROTOCOL[csmsVersion] as 'ocpp1.6', overflow: opts.overflow }),
          stateDir: join(dataDir, 'translation'),
        }),
        recorder,
      ],
    });

  const handlers: Record<string, Handler> = {};
  for (const [m, fn] of Object.entries(opts.stationHandlers ?? {})) {
    handlers[m] = (params, id) => {
      stationReceived.push({ method: m, params });
      return fn(params, id);
    };
  }
  const connect = (relay: Relay): Promise<RPCClient> =>
    connectStation({ url: `${relay.url}/ocpp`, identity, protocols: [PROTOCOL[opts.stationVersion]], handlers });

  let relay = await makeRelay();
  const clientP = csms.waitForClient(identity);
  let station = await connect(relay);
  const rig: Rig = {
    relay,
    csms,
    station,
    csmsClient: await clientP,
    events,
    dataDir,
    stationReceived,
    messages: () => events.filter((e): e is Extract<RelayEvent, { type: 'message' }> => e.type === 'message').map((e) => e.message),
    notices: () => events.filter((e): e is Extract<RelayEvent, { type: 'notice' }> => e.type === 'notice' && e.source === 'translation').map((e) => e.text),
    settle: (ms = 60) => new Promise((r) => setTimeout(r, ms)),
    async restartRelay() {
      await station.close({ force: true }).catch(() => {});
      await relay.close();
      relay = await makeRelay();
      rig.relay = relay;
    },
    async reconnectStation() {
      csms.clients.delete(identity);
      const p = csms.waitForClient(identity);
      station = await connect(relay);
      rig.station = station;
      rig.csmsClient = await p;
    },
    async close() {
      await station.close({ force: true }).catch(() => {});
      await relay.close();
      await csms.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return rig;
}

/**
 * Every frame that crossed the relay was valid for its receiver: the validation addon's verdicts (frames read, and
 * frames the translator made or changed, checked as written), and, for every frame the translator touched, the
 * validator asked again directly with the frame's final text, version and action.
 */
/** Returns how many translated frames it checked directly. */
export function assertAllValid(rig: Rig): number {
  const records = rig.messages();
  const bad = records.filter((m) => !m.valid).map((m) => `${m.direction} ${m.action} ${m.kind} ${JSON.stringify(m.issues)} ${m.text}`);
  let checked = 0;
  for (const m of records) {
    if (m.dropped || !(m.madeBy === 'translation' || m.changedBy.includes('translation')) || m.kind === 'CALLERROR') continue;
    const frame = JSON.parse(m.text) as unknown[];
    const payload = frame[frame.length - 1];
    const r = validator().validate(m.version!, m.kind === 'CALL' ? 'request' : 'response', m.action!, payload);
    checked++;
    if (!r.valid) bad.push(`direct check: ${m.version} ${m.action} ${m.kind} ${JSON.stringify(r.issues)} ${m.text}`);
  }
  assert.deepEqual(bad, [], 'every frame is valid for its receiver');
  // KPIs pair CALLs and answers by message id on the station's leg: translation never changes an id.
  const renamed = records.filter((m) => m.original !== undefined && (JSON.parse(m.original) as unknown[])[1] !== m.messageId);
  assert.deepEqual(renamed.map((m) => m.text), [], 'translated frames keep their message id');
  return checked;
}

/** The last call the CSMS received of `method`. */
export function lastAt(csms: TestCsms, method: string): any {
  const hits = csms.received.filter((r) => r.method === method);
  assert.ok(hits.length > 0, `the CSMS received no ${method}`);
  return hits[hits.length - 1]!.params;
}

/** Poll until `fn` returns a value (or fail after `ms`). */
export async function eventually<T>(fn: () => T | undefined, ms = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
