/** One seed makes a run reproducible: same seed + same traffic → same decisions, whatever other rules exist. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './rules-harness.js';

const FIXED = '2000-01-01T00:00:00.000Z';
const HEARTBEAT_RULE = `
  - id: flaky-heartbeat
    match: { direction: to-csms, type: CALL, action: Heartbeat }
    when: { probability: 0.3 }
    actions:
      - answer: { payload: { currentTime: "${FIXED}" } }
  - id: jittery-status
    match: { direction: to-station, type: CALLRESULT, action: StatusNotification }
    actions:
      - delay: { ms: 5, jitter: 5 }
`;
/** A rule that also draws random numbers, on other traffic: it must not shift the rules above. */
const OTHER_RULE = `
  - id: other-random
    match: { direction: to-csms, type: CALL, action: Authorize }
    when: { probability: 0.5 }
    actions:
      - set: { /idTag: OTHER }
`;

/** 200 Heartbeats (with Authorizes and StatusNotifications between): which ones the rule answered, and the jitter drawn. */
async function run(opts: { fileSeed?: number; optionSeed?: number; extra?: string }): Promise<{ decisions: boolean[]; jitter: number[] }> {
  const seedLine = opts.fileSeed === undefined ? '' : `seed: ${opts.fileSeed}\n`;
  const h = await startHarness({ files: { 'r.yaml': `${seedLine}rules:${HEARTBEAT_RULE}${opts.extra ?? ''}` }, seed: opts.optionSeed });
  try {
    const cp = await h.station('CP-1');
    const decisions: boolean[] = [];
    for (let i = 0; i < 200; i++) {
      const res = (await cp.call('Heartbeat', {})) as { currentTime: string };
      decisions.push(res.currentTime === FIXED);
      if (i % 10 === 0) {
        await cp.call('Authorize', { idTag: 'T' });
        await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
      }
    }
    // Cross-check with the CSMS: exactly the undecided Heartbeats reached it.
    assert.equal(h.csms.received.filter((r) => r.method === 'Heartbeat').length, decisions.filter((d) => !d).length);
    await new Promise((r) => setTimeout(r, 50));
    const jitter = h.records.filter((r) => r.kind === 'CALLRESULT' && r.callAction === 'StatusNotification').map((r) => r.ruleDelayMs);
    return { decisions, jitter };
  } finally {
    await h.close();
  }
}

test('same seed → the same 200 decisions and the same jitter; another seed → others', async () => {
  const a = await run({ fileSeed: 1234 });
  const b = await run({ fileSeed: 1234 });
  const c = await run({ fileSeed: 99 });
  const hits = a.decisions.filter(Boolean).length;
  assert.ok(hits > 30 && hits < 90, `probability 0.3 over 200 frames fired ${hits} times`);
  assert.deepEqual(b.decisions, a.decisions);
  assert.notDeepEqual(c.decisions, a.decisions);
  assert.equal(a.jitter.length, 20);
  assert.ok(a.jitter.every((d) => d >= 0 && d <= 10));
  assert.deepEqual(b.jitter, a.jitter);
  assert.notDeepEqual(c.jitter, a.jitter);

  // --rules-seed gives the same run as the same seed in the file, and overrides the file's seed.
  const d = await run({ optionSeed: 1234, fileSeed: 7 });
  assert.deepEqual(d.decisions, a.decisions);

  // Another random rule on other traffic does not shift this rule's sequence (each rule has its own generator).
  const e = await run({ fileSeed: 1234, extra: OTHER_RULE });
  assert.deepEqual(e.decisions, a.decisions);
});
