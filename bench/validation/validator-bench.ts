/**
 * Start-up and per-frame cost of schema validation.
 * Run: node --import tsx bench/validation/validator-bench.ts
 */
import { createValidator } from '../../src/validation/validator.js';

const eager = createValidator();
const s = eager.stats();
console.log(`eager: ${s.compiled} schemas read, fixed and compiled in ${s.startupMs.toFixed(0)} ms (compile ${s.compileMs.toFixed(0)} ms)`);

const lazy = createValidator({ lazy: true });
console.log(`lazy: start-up ${lazy.stats().startupMs.toFixed(0)} ms`);
const firstUse: Array<[string, number]> = [];
for (const version of ['1.6', '2.0.1'] as const) {
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
  '2.0.1 BootNotification request, 4 problems': ['2.0.1', 'request', 'BootNotification', { reason: 'Nope', chargingStation: { model: 5, vendorName: 'V'.repeat(60), extra: 1 } }],
} as const;
for (const [name, [version, kind, action, payload]] of Object.entries(frames)) {
  for (let i = 0; i < 5000; i++) eager.validate(version, kind, action, payload);
  const n = 100_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) eager.validate(version, kind, action, payload);
  console.log(`${name}: ${(((performance.now() - t) * 1000) / n).toFixed(2)} µs per frame`);
}
