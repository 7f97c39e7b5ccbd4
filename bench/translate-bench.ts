/**
 * What translation costs.
 *
 * 1. Pure translator cost per message type: request + answer translation, offline (no sockets), µs per message.
 * 2. End to end: round trip of a station's CALL (sequential, one at a time) directly to a CSMS, through the relay
 *    without translation (1.6 → 1.6, 2.0.1 → 2.0.1), and through the relay translating (1.6 → 2.0.1, 2.0.1 → 1.6,
 *    2.0.1 → 2.1: no mapping, but every frame toward the 2.1 CSMS checked against 2.1's tightened schemas).
 *    Peers are ocpp-rpc in non-strict mode, so their own schema checks do not blur the proxy's share.
 *
 * Run: node --import tsx bench/translate-bench.ts [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import { startRelay, type Relay } from '../src/core/relay.js';
import type { OcppVersion } from '../src/core/types.js';
import { createOfflineContext, type OfflineContext } from '../src/translate/offline-context.js';
import { TABLES, translateAddon } from '../src/translate/translate-addon.js';
import { parseTranslateConfig, TranslateRules } from '../src/translate/translate-config.js';
import type { Json } from '../src/translate/translator-types.js';

const quick = process.argv.includes('--quick');
const T = '2026-11-21T10:00:00.000Z';
const tok = (idToken: string) => ({ idToken, type: 'ISO14443' });
const mv16 = (n: number) => [{ timestamp: T, sampledValue: Array.from({ length: n }, (_, i) => ({ value: String(1000 + i), measurand: i === 0 ? 'Energy.Active.Import.Register' : 'Current.Import', unit: i === 0 ? 'Wh' : 'A', phase: i === 0 ? undefined : 'L1' })).map((s) => JSON.parse(JSON.stringify(s))) }];
const mv201 = (n: number) => [{ timestamp: T, sampledValue: Array.from({ length: n }, (_, i) => ({ value: 1000 + i, measurand: i === 0 ? 'Energy.Active.Import.Register' : 'Current.Import', unitOfMeasure: { unit: i === 0 ? 'Wh' : 'A' } })) }];

interface PureCase {
  name: string;
  stationVersion: OcppVersion;
  side: 'station' | 'csms';
  action: string;
  req: Json;
  res: Json;
  /** Runs before each iteration (outside the timed part is not worth it: it is a few ns). */
  prepare?: (tc: OfflineContext) => void;
}

const openTx = (tc: OfflineContext): void => {
  if (tc.state.txs.length > 0) return;
  tc.state.txs.push({ id: 'TX-1', int: 1, connector: 1, evseId: 1, evseConnector: 1, seqNo: 0, started: true, ended: false, startedAt: T });
};

const PURE: PureCase[] = [
  { name: 'BootNotification', stationVersion: '1.6', side: 'station', action: 'BootNotification', req: { chargePointVendor: 'ACME', chargePointModel: 'M', chargePointSerialNumber: 'S', firmwareVersion: '1' }, res: { status: 'Accepted', currentTime: T, interval: 300 } },
  { name: 'Heartbeat', stationVersion: '1.6', side: 'station', action: 'Heartbeat', req: {}, res: { currentTime: T } },
  { name: 'Authorize', stationVersion: '1.6', side: 'station', action: 'Authorize', req: { idTag: 'TAG' }, res: { idTokenInfo: { status: 'Accepted' } } },
  { name: 'StatusNotification', stationVersion: '1.6', side: 'station', action: 'StatusNotification', req: { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: T }, res: {} },
  { name: 'StartTransaction → TransactionEvent', stationVersion: '1.6', side: 'station', action: 'StartTransaction', req: { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: T }, res: { idTokenInfo: { status: 'Accepted' } }, prepare: (tc) => void (tc.state.txs.length = 0) },
  { name: 'MeterValues (10 values) → TransactionEvent', stationVersion: '1.6', side: 'station', action: 'MeterValues', req: { connectorId: 1, transactionId: 1, meterValue: mv16(10) }, res: {}, prepare: openTx },
  { name: 'StopTransaction → TransactionEvent', stationVersion: '1.6', side: 'station', action: 'StopTransaction', req: { transactionId: 1, meterStop: 10, timestamp: T }, res: {}, prepare: (tc) => { tc.state.txs.length = 0; openTx(tc); } },
  { name: 'RequestStartTransaction → RemoteStart', stationVersion: '1.6', side: 'csms', action: 'RequestStartTransaction', req: { evseId: 1, remoteStartId: 1, idToken: tok('TAG') }, res: { status: 'Accepted' } },
  { name: 'GetVariables (3) → GetConfiguration', stationVersion: '1.6', side: 'csms', action: 'GetVariables', req: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } }, { component: { name: 'AuthCtrlr' }, variable: { name: 'LocalPreAuthorize' } }] }, res: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }, { key: 'MeterValueSampleInterval', readonly: false, value: '60' }] } },
  { name: 'TransactionEvent Started → StartTransaction', stationVersion: '2.0.1', side: 'station', action: 'TransactionEvent', req: { eventType: 'Started', timestamp: T, triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'TX-B' }, evse: { id: 1, connectorId: 1 }, idToken: tok('TAG'), meterValue: mv201(1) }, res: { transactionId: 7, idTagInfo: { status: 'Accepted' } }, prepare: (tc) => void (tc.state.txs.length = 0) },
  { name: 'TransactionEvent Updated (10 values) → MeterValues', stationVersion: '2.0.1', side: 'station', action: 'TransactionEvent', req: { eventType: 'Updated', timestamp: T, triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: 'TX-1' }, meterValue: mv201(10) }, res: {}, prepare: openTx },
  { name: 'TransactionEvent Ended → StopTransaction', stationVersion: '2.0.1', side: 'station', action: 'TransactionEvent', req: { eventType: 'Ended', timestamp: T, triggerReason: 'StopAuthorized', seqNo: 2, transactionInfo: { transactionId: 'TX-1', stoppedReason: 'Local' }, meterValue: mv201(1) }, res: { idTagInfo: { status: 'Accepted' } }, prepare: (tc) => { tc.state.txs.length = 0; openTx(tc); } },
  { name: 'GetConfiguration (3) → GetVariables', stationVersion: '2.0.1', side: 'csms', action: 'GetConfiguration', req: { key: ['HeartbeatInterval', 'MeterValueSampleInterval', 'Nope'] }, res: { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }, { attributeStatus: 'Accepted', component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, attributeValue: '60' }] } },
];

function benchPure(c: PureCase, iterations: number): number {
  const tc = createOfflineContext({ stationVersion: c.stationVersion, now: T });
  const tr = TABLES[c.stationVersion][c.side][c.action]!;
  const once = (): void => {
    c.prepare?.(tc);
    const out = tr.request(c.req, tc);
    if (out.kind === 'forward' && tr.response) tr.response(c.res, tc, c.req, out.payload);
    tc.flags.length = 0;
    tc.calls.length = 0;
  };
  for (let i = 0; i < iterations / 10; i++) once();
  // Best of 5 rounds: on a shared machine the slower rounds measure the neighbours, not the code.
  let best = Infinity;
  const round = Math.ceil(iterations / 5);
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < round; i++) once();
    best = Math.min(best, ((performance.now() - t0) * 1000) / round);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------- end to end

const now = (): string => new Date().toISOString();

async function csmsServer(protocol: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = new RPCServer({ protocols: [protocol], strictMode: false }, () => {});
  server.on('client', (client: any) => {
    client.handle(({ method }: { method: string }) => {
      switch (method) {
        case 'Heartbeat': return { currentTime: now() };
        case 'Authorize': return protocol === 'ocpp1.6' ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } };
        case 'StartTransaction': return { transactionId: 1, idTagInfo: { status: 'Accepted' } };
        default: return {};
      }
    });
  });
  const http = await server.listen(0, '127.0.0.1');
  return { url: `ws://127.0.0.1:${(http.address() as { port: number }).port}/ocpp/`, close: () => server.close({ force: true }) };
}

interface E2eCall { action: string; params: Json }
const E2E_16: E2eCall[] = [
  { action: 'Heartbeat', params: {} },
  { action: 'Authorize', params: { idTag: 'TAG' } },
  { action: 'StatusNotification', params: { connectorId: 1, errorCode: 'NoError', status: 'Available' } },
  { action: 'MeterValues', params: { connectorId: 1, transactionId: 1, meterValue: mv16(10) } },
];
const E2E_201: E2eCall[] = [
  { action: 'Heartbeat', params: {} },
  { action: 'Authorize', params: { idToken: tok('TAG') } },
  { action: 'StatusNotification', params: { timestamp: T, connectorStatus: 'Available', evseId: 1, connectorId: 1 } },
  { action: 'TransactionEvent', params: { eventType: 'Updated', timestamp: T, triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: 'TX-E' }, meterValue: mv201(10) } },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

type Stats = { p50: number; p99: number; mean: number };

async function client(url: string, protocol: string): Promise<RPCClient> {
  const c = new RPCClient({ endpoint: url, identity: `BENCH-${Math.random().toString(36).slice(2, 8)}`, protocols: [protocol], strictMode: false, reconnect: false } as any);
  await c.connect();
  return c;
}

/**
 * Round trips of each call on several clients (one per configuration), interleaved call by call, so that the load
 * of the machine drifts over all configurations alike.
 */
async function roundTrips(clients: RPCClient[], calls: E2eCall[], n: number): Promise<Record<string, Stats>[]> {
  const out: Record<string, Stats>[] = clients.map(() => ({}));
  for (const c of calls) {
    const samples: number[][] = clients.map(() => []);
    for (let i = 0; i < n + n / 10; i++) {
      for (const [k, cl] of clients.entries()) {
        const t0 = performance.now();
        await cl.call(c.action, c.params);
        if (i >= n / 10) samples[k]!.push((performance.now() - t0) * 1000);
      }
    }
    samples.forEach((s, k) => {
      s.sort((a, b) => a - b);
      out[k]![c.action] = { p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
    });
  }
  return out;
}

async function startBenchRelay(upstream: string, translate: string | undefined): Promise<{ relay: Relay; close: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-bench-'));
  const addons = translate
    ? [translateAddon({ rules: new TranslateRules({ file: parseTranslateConfig(''), upstreamProtocol: translate as 'ocpp1.6' }), stateDir: join(dataDir, 'translation') })]
    : [];
  const relay = await startRelay({ upstream, dataDir, addons });
  return {
    relay,
    close: async () => {
      await relay.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const fmt = (s: Stats): string => `${s.p50.toFixed(0)} / ${s.p99.toFixed(0)}`;

async function main(): Promise<void> {
  const iterations = quick ? 20_000 : 200_000;
  console.log(`## Pure translator cost (request + answer, µs per message, best of 5 rounds of ${iterations / 5}, node ${process.version})\n`);
  console.log('| message | station | µs |\n| --- | --- | ---: |');
  for (const c of PURE) console.log(`| ${c.name} | ${c.stationVersion} | ${benchPure(c, iterations).toFixed(2)} |`);

  const n = quick ? 300 : 2000;
  const csms16 = await csmsServer('ocpp1.6');
  const csms201 = await csmsServer('ocpp2.0.1');
  const csms21 = await csmsServer('ocpp2.1');
  const pass = await startBenchRelay(csms16.url, undefined);
  const up = await startBenchRelay(csms201.url, 'ocpp2.0.1');
  const down = await startBenchRelay(csms16.url, 'ocpp1.6');
  const pass201 = await startBenchRelay(csms201.url, undefined);
  const to21 = await startBenchRelay(csms21.url, 'ocpp2.1');
  try {
    const c16 = [await client(csms16.url, 'ocpp1.6'), await client(`${pass.relay.url}/ocpp`, 'ocpp1.6'), await client(`${up.relay.url}/ocpp`, 'ocpp1.6')];
    const c201 = [await client(csms201.url, 'ocpp2.0.1'), await client(`${down.relay.url}/ocpp`, 'ocpp2.0.1')];
    const c21 = [await client(csms201.url, 'ocpp2.0.1'), await client(`${pass201.relay.url}/ocpp`, 'ocpp2.0.1'), await client(`${to21.relay.url}/ocpp`, 'ocpp2.0.1')];
    for (const c of c16) await c.call('StartTransaction', { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: now() });
    for (const c of [...c201, ...c21]) {
      await c.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'TX-E' }, evse: { id: 1, connectorId: 1 }, idToken: tok('TAG') });
    }
    const [direct, relayed, translated] = await roundTrips(c16, E2E_16, n);
    const [directDown, translatedDown] = await roundTrips(c201, E2E_201, n);
    const [direct201, relayed201, translated21] = await roundTrips(c21, E2E_201, n);
    console.log(`\n## End to end: round trip of one CALL, µs (p50 / p99), ${n} sequential calls each, interleaved, loopback\n`);
    console.log('| 1.6 station CALL | direct to 1.6 CSMS | relay, no translation | relay translating to 2.0.1 CSMS | added by translation (p50) |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const c of E2E_16) {
      const d = direct![c.action]!, p = relayed![c.action]!, u = translated![c.action]!;
      console.log(`| ${c.action} | ${fmt(d)} | ${fmt(p)} | ${fmt(u)} | ${(u.p50 - p.p50).toFixed(0)} |`);
    }
    console.log('\n| 2.0.1 station CALL | direct to 2.0.1 CSMS | relay translating to 1.6 CSMS |');
    console.log('| --- | ---: | ---: |');
    for (const c of E2E_201) console.log(`| ${c.action} | ${fmt(directDown![c.action]!)} | ${fmt(translatedDown![c.action]!)} |`);
    console.log('\n| 2.0.1 station CALL | direct to 2.0.1 CSMS | relay, no translation | relay translating to 2.1 CSMS | added by 2.0.1 → 2.1 (p50) |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const c of E2E_201) {
      const d = direct201![c.action]!, p = relayed201![c.action]!, u = translated21![c.action]!;
      console.log(`| ${c.action} | ${fmt(d)} | ${fmt(p)} | ${fmt(u)} | ${(u.p50 - p.p50).toFixed(0)} |`);
    }
    for (const c of [...c16, ...c201, ...c21]) await c.close({ force: true });
  } finally {
    await pass.close();
    await up.close();
    await down.close();
    await pass201.close();
    await to21.close();
    await csms16.close();
    await csms201.close();
    await csms21.close();
  }
}

await main();
