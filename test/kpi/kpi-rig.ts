/**
 * A CSMS, the real relay with the KPI addon, and one station, all real ocpp-rpc peers in strict mode.
 * Published samples are collected by a tiny observer addon, exactly as the store would see them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RPCClient } from 'ocpp-rpc';
import type { Addon } from '../../src/core/addon.js';
import type { KpiName, KpiSample } from '../../src/kpi/kpi-types.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createKpiAddon, type KpiAddon } from '../../src/kpi/index.js';
import { connectStation, startCsms, type Handler, type RpcServerClient, type TestCsms } from '../support/ocpp-peers.js';

export type StationHandlers = (station: RPCClient) => Record<string, (params: any) => unknown>;

export interface KpiRig {
  csms: TestCsms;
  relay: Relay;
  kpis: KpiAddon;
  station: RPCClient;
  /** The CSMS side of the station's connection: drive CSMS-initiated calls with `server.call(...)`. */
  server: RpcServerClient;
  samples: KpiSample[];
  waitSample(pred: (s: KpiSample) => boolean, timeoutMs?: number): Promise<KpiSample>;
  close(): Promise<void>;
}

export async function startRig(opts: {
  version: '1.6' | '2.0.1' | '2.1';
  /** The CSMS's version, when it differs from the station's (a translating addon in `addons`). */
  csmsVersion?: '1.6' | '2.0.1' | '2.1';
  dataDir?: string;
  identity: string;
  windows?: Partial<Record<KpiName, number>>;
  station?: StationHandlers;
  csms?: Record<string, Handler>;
  /** Addons placed before the KPI addon (rules, a translation stand-in). */
  addons?: Addon[];
}): Promise<KpiRig> {
  const protocolOf = (v: '1.6' | '2.0.1' | '2.1') => (v === '1.6' ? 'ocpp1.6' : v === '2.1' ? 'ocpp2.1' : 'ocpp2.0.1');
  const protocol = protocolOf(opts.version);
  const csms = await startCsms({ protocols: [protocolOf(opts.csmsVersion ?? opts.version)], handlers: opts.csms });
  const kpis = createKpiAddon({ windows: opts.windows });
  const samples: KpiSample[] = [];
  const collector: Addon = {
    name: 'collect-kpi-samples',
    observe: (e) => {
      if (e.type === 'kpi') samples.push(e.sample);
    },
  };
  const relay = await startRelay({ upstream: csms.url, dataDir: opts.dataDir, addons: [...(opts.addons ?? []), kpis, collector] });
  const station = await connectStation({ url: `${relay.url}/ocpp`, identity: opts.identity, protocols: [protocol] });
  for (const [method, fn] of Object.entries(opts.station?.(station) ?? {})) {
    station.handle(method, (({ params }: { params: unknown }) => fn(params)) as any);
  }
  const server = await csms.waitForClient(opts.identity);
  return {
    csms,
    relay,
    kpis,
    station,
    server,
    samples,
    async waitSample(pred, timeoutMs = 5000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = samples.find(pred);
        if (found) return found;
        if (performance.now() > deadline) {
          throw new Error(`no matching KPI sample within ${timeoutMs} ms; got ${JSON.stringify(samples, null, 1)}`);
        }
        await sleep(10);
      }
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      await station.close({ force: true });
      await relay.close();
      await csms.close();
    },
  };
}

/** Wait at least `ms` on the monotonic clock (a timer may fire a fraction of a millisecond early). */
export async function hold(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) await sleep(Math.max(1, Math.ceil(end - performance.now())));
}

const inFlight = new Set<Promise<unknown>>();

/** Run `fn` after `ms` without awaiting it: the station sends its follow-up on its own time. */
export function later(ms: number, fn: () => Promise<unknown>): void {
  const p = hold(ms)
    .then(fn)
    .catch((err) => console.error('follow-up failed:', err))
    .finally(() => inFlight.delete(p));
  inFlight.add(p);
}

/** Poll until `get` returns something (a sample is taken when the proxy reads a frame, before the peer has it). */
export async function eventually<T>(get: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

export const ts = (): string => new Date().toISOString();

/** A measured figure must include the known delay and stay within a generous bound above it. */
export function assertMeasured(sample: KpiSample, atLeastMs: number, slackMs = 1000): void {
  if (sample.timedOut || sample.valueMs === null) throw new Error(`expected a value, got a timeout: ${JSON.stringify(sample)}`);
  if (!(sample.valueMs >= atLeastMs && sample.valueMs < atLeastMs + slackMs)) {
    throw new Error(`${sample.kpi} = ${sample.valueMs} ms, expected ≥ ${atLeastMs} and < ${atLeastMs + slackMs}`);
  }
}

// ---- simulated peers with known delays, shared by the KPI tests of every version ---------------------------

/** The CSMS's side: BootNotification answered after `ms`. */
export const slowBootCsms = (ms = 150) => ({
  BootNotification: async () => {
    await hold(ms);
    return { status: 'Accepted', currentTime: ts(), interval: 300 };
  },
});

/** A 1.6 station: GetConfiguration answered after 200 ms; remote start → StartTransaction and remote stop → StopTransaction 250 ms later. */
export function station16(station: RPCClient, opts: { connectorId?: number } = {}): ReturnType<StationHandlers> {
  return {
    GetConfiguration: async () => {
      await hold(200);
      return { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] };
    },
    RemoteStartTransaction: (p: { idTag: string; connectorId?: number }) => {
      if (p.idTag === 'BLOCKED') return { status: 'Rejected' };
      later(250, () => station.call('StartTransaction', { connectorId: p.connectorId ?? opts.connectorId ?? 1, idTag: p.idTag, meterStart: 0, timestamp: ts() }));
      return { status: 'Accepted' };
    },
    RemoteStopTransaction: (p: { transactionId: number }) => {
      later(250, () => station.call('StopTransaction', { transactionId: p.transactionId, meterStop: 10, timestamp: ts(), reason: 'Remote' }));
      return { status: 'Accepted' };
    },
  };
}

/**
 * A 2.0.1 or 2.1 station: GetVariables answered after 200 ms; RequestStartTransaction → TransactionEvent Started and
 * RequestStopTransaction → TransactionEvent Ended 250 ms later (a transaction id ending in `-ev` stands for a
 * station whose TxStopPoint is EVConnected: it reports the stop as Updated and keeps the transaction open).
 */
export function station201(station: RPCClient, opts: { transactionId?: (remoteStartId: number) => string } = {}): ReturnType<StationHandlers> {
  let seqNo = 0;
  return {
    GetVariables: async (p: { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }) => {
      await hold(200);
      return { getVariableResult: p.getVariableData.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable, attributeValue: '300' })) };
    },
    RequestStartTransaction: (p: { remoteStartId: number; evseId?: number; idToken: unknown }) => {
      later(250, () =>
        station.call('TransactionEvent', {
          eventType: 'Started',
          timestamp: ts(),
          triggerReason: 'RemoteStart',
          seqNo: seqNo++,
          transactionInfo: { transactionId: opts.transactionId?.(p.remoteStartId) ?? `tx-${p.remoteStartId}`, remoteStartId: p.remoteStartId },
          evse: { id: p.evseId ?? 1, connectorId: 1 },
          idToken: p.idToken,
        }),
      );
      return { status: 'Accepted' };
    },
    RequestStopTransaction: (p: { transactionId: string }) => {
      const evConnected = p.transactionId.endsWith('-ev');
      later(250, () =>
        station.call('TransactionEvent', {
          eventType: evConnected ? 'Updated' : 'Ended',
          timestamp: ts(),
          triggerReason: 'RemoteStop',
          seqNo: seqNo++,
          transactionInfo: evConnected ? { transactionId: p.transactionId, chargingState: 'EVConnected' } : { transactionId: p.transactionId, stoppedReason: 'Remote' },
        }),
      );
      return { status: 'Accepted' };
    },
  };
}
