/**
 * Start-up and per-frame cost of schema validation, 2.1 frames beside the same 2.0.1 ones.
 * Run: node --import tsx bench/validation/validator-bench.ts
 */
import { createValidator } from '../../src/validation/validator.js';

const eager = createValidator();
const s = eager.stats();
console.log(`eager: ${s.compiled} schemas read, fixed and compiled in ${s.startupMs.toFixed(0)} ms (compile ${s.compileMs.toFixed(0)} ms)`);

const lazy = createValidator({ lazy: true });
console.log(`lazy: start-up ${lazy.stats().startupMs.toFixed(0)} ms`);
const firstUse: Array<[string, number]> = [];
for (const version of ['1.6', '2.0.1', '2.1'] as const) {
  for (const action of lazy.actions(version)) {
    for (const kind of ['request', 'response'] as const) {
      const t = performance.now();
      lazy.validate(version, kind, action, {});
      firstUse.push([`${version} ${action} ${kind}`, performance.now() - t]);
    }
  }
}
firstUse.sort((a, b) => a[1] - b[1]);
const pct = (q: number) => firstUse[Math.min(firstUse.length - 1, Math.floor(q * firstUse.length))]![1].toFixed(1);
console.log(`lazy first use per schema: median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${firstUse.at(-1)![1].toFixed(1)} ms (${firstUse.at(-1)![0]})`);

const tx = {
  eventType: 'Updated', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'MeterValuePeriodic', seqNo: 3, transactionInfo: { transactionId: 'abc' },
  meterValue: [{ timestamp: '2026-01-01T00:00:00Z', sampledValue: [{ value: 12.5, measurand: 'Energy.Active.Import.Register' }] }],
};
const boot = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', firmwareVersion: '1.0' } };
const status = { timestamp: '2026-01-01T00:00:00Z', connectorStatus: 'Available', evseId: 1, connectorId: 1 };
const badBoot = { reason: 'Nope', chargingStation: { model: 5, vendorName: 'V'.repeat(60), extra: 1 } };
const frames = {
  '1.6 Heartbeat request': ['1.6', 'request', 'Heartbeat', {}],
  '1.6 MeterValues request': ['1.6', 'request', 'MeterValues', {
    connectorId: 1, transactionId: 7,
    meterValue: [{ timestamp: '2026-01-01T00:00:00Z', sampledValue: [{ value: '1234.5', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
  }],
  '2.0.1 TransactionEvent request': ['2.0.1', 'request', 'TransactionEvent', {
    eventType: 'Updated', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'MeterValuePeriodic', seqNo: 3, transactionInfo: { transactionId: 'abc' },
    meterValue: [{ timestamp: '2026-01-01T00:00:00Z', sampledValue: [{ value: 12.5, measurand: 'Energy.Active.Import.Register' }] }],
  }],
  '2.0.1 BootNotification request, 4 problems': ['2.0.1', 'request', 'BootNotification', badBoot],
  // The same payloads against the 2.1 schemas (their own set, never merged), side by side with 2.0.1.
  '2.1 TransactionEvent request': ['2.1', 'request', 'TransactionEvent', tx],
  '2.0.1 BootNotification request': ['2.0.1', 'request', 'BootNotification', boot],
  '2.1 BootNotification request': ['2.1', 'request', 'BootNotification', boot],
  '2.0.1 StatusNotification request': ['2.0.1', 'request', 'StatusNotification', status],
  '2.1 StatusNotification request': ['2.1', 'request', 'StatusNotification', status],
  '2.1 BootNotification request, 4 problems': ['2.1', 'request', 'BootNotification', badBoot],
  '2.1 NotifyPeriodicEventStream SEND (10 samples)': ['2.1', 'request', 'NotifyPeriodicEventStream', {
    id: 1, pending: 0, basetime: '2026-01-01T00:00:00Z', data: Array.from({ length: 10 }, (_, i) => ({ t: i * 0.1, v: String(230 + i) })),
  }],
} as const;
for (const [name, [version, kind, action, payload]] of Object.entries(frames)) {
  for (let i = 0; i < 5000; i++) eager.validate(version, kind, action, payload);
  const n = 100_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) eager.validate(version, kind, action, payload);
  console.log(`${name}: ${(((performance.now() - t) * 1000) / n).toFixed(2)} µs per frame`);
}
