/**
 * Switching translation on (config, handshake), the honest gaps (every message without a counterpart, both sides),
 * and the overflow policy.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRelay } from '../../src/core/relay.js';
import { TABLES, translateAddon } from '../../src/translate/translate-addon.js';
import { parseTranslateConfig, TranslateRules } from '../../src/translate/translate-config.js';
import { OverflowError } from '../../src/translate/translator-types.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { assertValid, testContext, validator } from './translate-helpers.js';
import { assertAllValid, lastAt, startRig, type Rig } from './translate-rig.js';

const now = (): string => new Date().toISOString();

/** 2.0.1 messages a CSMS sends that have no 1.6 counterpart, each with a minimal valid payload. */
const CSMS_GAPS: Record<string, object> = {
  ClearDisplayMessage: { id: 1 },
  ClearVariableMonitoring: { id: [1] },
  CostUpdated: { totalCost: 1.5, transactionId: 't' },
  CustomerInformation: { requestId: 1, report: true, clear: false },
  GetChargingProfiles: { requestId: 1, chargingProfile: {} },
  GetDisplayMessages: { requestId: 1 },
  GetMonitoringReport: { requestId: 1 },
  GetReport: { requestId: 1 },
  PublishFirmware: { location: 'https://fw.example/p', checksum: 'abc', requestId: 1 },
  SetDisplayMessage: { message: { id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'hi' } } },
  SetMonitoringBase: { monitoringBase: 'All' },
  SetMonitoringLevel: { severity: 1 },
  SetNetworkProfile: { configurationSlot: 1, connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example/', messageTimeout: 30, securityProfile: 1, ocppInterface: 'Wired0' } },
  SetVariableMonitoring: { setMonitoringData: [{ value: 1, type: 'Delta', severity: 1, component: { name: 'C' }, variable: { name: 'V' } }] },
  UnpublishFirmware: { checksum: 'abc' },
};

/** 2.0.1 messages a station sends that have no 1.6 counterpart. */
const STATION_GAPS: Record<string, object> = {
  ClearedChargingLimit: { chargingLimitSource: 'EMS' },
  Get15118EVCertificate: { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAAA' },
  GetCertificateStatus: { ocspRequestData: { hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: 'c', responderURL: 'http://ocsp.example/' } },
  NotifyChargingLimit: { chargingLimit: { chargingLimitSource: 'EMS' } },
  NotifyCustomerInformation: { data: 'd', seqNo: 0, generatedAt: now(), requestId: 1 },
  NotifyDisplayMessages: { requestId: 1 },
  NotifyEVChargingNeeds: { chargingNeeds: { requestedEnergyTransfer: 'DC' }, evseId: 1 },
  NotifyEVChargingSchedule: { timeBase: now(), chargingSchedule: { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }] }, evseId: 1 },
  NotifyEvent: { generatedAt: now(), seqNo: 0, eventData: [{ eventId: 1, timestamp: now(), trigger: 'Alerting', actualValue: 'x', component: { name: 'EVSE' }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredNotification' }] },
  NotifyMonitoringReport: { requestId: 1, seqNo: 0, generatedAt: now() },
  NotifyReport: { requestId: 1, generatedAt: now(), seqNo: 0 },
  PublishFirmwareStatusNotification: { status: 'Idle' },
  ReportChargingProfiles: { requestId: 1, chargingLimitSource: 'EMS', evseId: 1, chargingProfile: [{ id: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }] }] }] },
  ReservationStatusUpdate: { reservationId: 1, reservationUpdateStatus: 'Expired' },
};

describe('coverage', () => {
  it('every 1.6 action (core and security extension) has a translator on the side that sends it', () => {
    const covered = new Set([...Object.keys(TABLES['1.6'].station), ...Object.keys(TABLES['2.0.1'].csms)]);
    assert.deepEqual(validator().actions('1.6').filter((a) => !covered.has(a)), []);
  });

  it('the 2.0.1 actions without a translator are exactly the documented gaps (plus GetTransactionStatus answered locally)', () => {
    const covered = new Set([...Object.keys(TABLES['2.0.1'].station), ...Object.keys(TABLES['1.6'].csms)]);
    const missing = validator().actions('2.0.1').filter((a) => !covered.has(a));
    assert.deepEqual(missing.sort(), [...Object.keys(CSMS_GAPS), ...Object.keys(STATION_GAPS)].sort());
  });
});

describe('gaps: NotSupported to the sender, nothing to the receiver, a notice', () => {
  let rig16: Rig;
  let rig201: Rig;
  before(async () => {
    rig16 = await startRig({ stationVersion: '1.6', identity: 'CP-GAP-16' });
    rig201 = await startRig({ stationVersion: '2.0.1', identity: 'CP-GAP-201' });
  });
  after(async () => {
    await rig16.close();
    await rig201.close();
  });

  for (const [action, payload] of Object.entries(CSMS_GAPS)) {
    it(`2.0.1 CSMS → 1.6 station: ${action}`, async () => {
      assertValid('2.0.1', 'request', action, payload);
      const before = rig16.messages().length;
      await assert.rejects(rig16.csmsClient.call(action, payload), (err: any) => err.rpcErrorCode === 'NotSupported');
      await rig16.settle(30);
      assert.ok(!rig16.messages().slice(before).some((m) => m.direction === 'to-station' && !m.dropped), 'nothing reached the station');
      assert.ok(rig16.notices().some((n) => n.includes(action) && n.includes('translation gap')));
    });
  }

  for (const [action, payload] of Object.entries(STATION_GAPS)) {
    it(`2.0.1 station → 1.6 CSMS: ${action}`, async () => {
      assertValid('2.0.1', 'request', action, payload);
      await assert.rejects(rig201.station.call(action, payload), (err: any) => err.rpcErrorCode === 'NotSupported');
      assert.ok(!rig201.csms.received.some((r) => r.method === action));
      await rig201.settle(30);
      assert.ok(rig201.notices().some((n) => n.includes(action) && n.includes('translation gap')));
    });
  }

  it('the CALLERRORs were valid frames too', async () => {
    await rig16.settle();
    assertAllValid(rig16);
    assertAllValid(rig201);
  });
});

describe('overflow policy', () => {
  it('truncate (default): the value is cut to the field and a notice names it', () => {
    const tc = testContext({ stationVersion: '1.6' });
    const out = TABLES['1.6'].csms.RequestStartTransaction!.request({ remoteStartId: 1, idToken: { idToken: 'X'.repeat(36), type: 'Central' } }, tc);
    assert.equal(out.kind, 'forward');
    assert.equal((out as any).payload.idTag, 'X'.repeat(20));
    assert.ok(tc.flags.some((f) => f.includes('idToken')));
  });

  it('reject: translation refuses, on requests and on answers', () => {
    const tc = testContext({ stationVersion: '1.6', overflow: 'reject' });
    assert.throws(() => TABLES['1.6'].csms.RequestStartTransaction!.request({ remoteStartId: 1, idToken: { idToken: 'X'.repeat(36), type: 'Central' } }, tc), OverflowError);
    assert.throws(() => TABLES['1.6'].station.Authorize!.response!({ idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'G'.repeat(30), type: 'Central' } } }, tc, { idTag: 'A' }, {}), OverflowError);
  });

  it('reject, end to end: the station gets PropertyConstraintViolation, the CSMS nothing', async () => {
    const rig = await startRig({ stationVersion: '2.0.1', identity: 'CP-REJECT', overflow: 'reject' });
    try {
      await assert.rejects(
        rig.station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V'.repeat(50), model: 'M' } }),
        (err: any) => err.rpcErrorCode === 'PropertyConstraintViolation',
      );
      assert.ok(!rig.csms.received.some((r) => r.method === 'BootNotification'));
      await rig.station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Short', model: 'M' } });
      assert.equal(lastAt(rig.csms, 'BootNotification').chargePointVendor, 'Short');
    } finally {
      await rig.close();
    }
  });
});

describe('switching it on', () => {
  it('reads the YAML config and refuses a bad one with the reason', () => {
    const f = parseTranslateConfig(`
stations:
  - { match: "LEGACY-*", upstreamProtocol: ocpp2.0.1 }
  - { match: "LEGACY-KEEP", upstreamProtocol: none }
overflow: reject
configKeys:
  VendorBrightness: { component: DisplayCtrlr, variable: Brightness }
connectors:
  - match: "LEGACY-DUAL"
    map: { "1": { evse: 1, connector: 1 }, "2": { evse: 1, connector: 2 } }
`);
    const rules = new TranslateRules({ file: f });
    assert.equal(rules.upstreamFor('LEGACY-1'), 'ocpp2.0.1');
    assert.equal(rules.upstreamFor('LEGACY-KEEP'), 'ocpp2.0.1', 'first match wins');
    assert.equal(rules.upstreamFor('OTHER'), undefined);
    assert.equal(new TranslateRules({ file: f, upstreamProtocol: 'ocpp1.6' }).upstreamFor('OTHER'), 'ocpp1.6');
    const cfg = rules.configFor('LEGACY-DUAL');
    assert.equal(cfg.overflow, 'reject');
    assert.deepEqual(cfg.keys.byKey.get('VendorBrightness'), { component: 'DisplayCtrlr', variable: 'Brightness' });
    assert.deepEqual(cfg.connectors.get(2), { evse: 1, connector: 2 });
    assert.throws(() => parseTranslateConfig('overflow: chop'), /overflow/);
    assert.throws(() => parseTranslateConfig('stations: [{ match: "x", upstreamProtocol: ocpp3.0 }]'), /upstreamProtocol/);
    parseTranslateConfig('stations: [{ match: "x", upstreamProtocol: ocpp2.1 }]');
  });

  it('a connector map routes 1.6 connector 2 to EVSE 1 connector 2, both ways', () => {
    const yaml = 'connectors: [{ match: "*", map: { "1": { evse: 1, connector: 1 }, "2": { evse: 1, connector: 2 } } }]';
    const tc16 = testContext({ stationVersion: '1.6', yaml });
    const out: any = TABLES['1.6'].station.StatusNotification!.request({ connectorId: 2, errorCode: 'NoError', status: 'Available' }, tc16);
    assert.deepEqual([out.payload.evseId, out.payload.connectorId], [1, 2]);
    const unlock: any = TABLES['1.6'].csms.UnlockConnector!.request({ evseId: 1, connectorId: 2 }, tc16);
    assert.deepEqual(unlock.payload, { connectorId: 2 });
    const tc201 = testContext({ stationVersion: '2.0.1', yaml });
    const back: any = TABLES['2.0.1'].csms.UnlockConnector!.request({ connectorId: 2 }, tc201);
    assert.deepEqual(back.payload, { evseId: 1, connectorId: 2 });
  });

  it('per-station globs: only matching stations are translated, and a station only ever gets a version it offered', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-translate-'));
    const csms = await startCsms({ protocols: ['ocpp2.0.1', 'ocpp1.6'] });
    const rules = new TranslateRules({ file: parseTranslateConfig('stations: [{ match: "OLD-*", upstreamProtocol: ocpp2.0.1 }]') });
    const relay = await startRelay({ upstream: csms.url, dataDir, addons: [translateAddon({ rules, stateDir: join(dataDir, 'translation') })] });
    try {
      const cases = [
        { identity: 'OLD-1', offered: ['ocpp1.6'], station: 'ocpp1.6', csms: 'ocpp2.0.1' },
        { identity: 'OLD-2', offered: ['ocpp1.6', 'ocpp2.0.1'], station: 'ocpp2.0.1', csms: 'ocpp2.0.1' },
        { identity: 'NEW-1', offered: ['ocpp1.6'], station: 'ocpp1.6', csms: 'ocpp1.6' },
      ];
      for (const c of cases) {
        const seen = csms.waitForClient(c.identity);
        const st = await connectStation({ url: `${relay.url}/ocpp`, identity: c.identity, protocols: c.offered });
        assert.equal(st.protocol, c.station, `${c.identity}: station leg`);
        assert.equal((await seen).protocol, c.csms, `${c.identity}: CSMS leg`);
        await st.call('Heartbeat', {});
        await st.close({ force: true });
      }
    } finally {
      await relay.close();
      await csms.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
