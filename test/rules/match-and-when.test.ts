/**
 * `match` (direction, type, action, station, version, where) and `when` (every, after, times, window), observed
 * end to end: each rule marks the 2.0.1 DataTransfer it fires on (data is free-form there), the CSMS reports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './rules-harness.js';

/** A rule that marks /data/hits/<id> when it fires. */
const marker = (id: string, match: string, when = ''): string => `
  - id: ${id}
    match: { direction: to-csms, type: CALL, action: DataTransfer${match ? `, ${match}` : ''} }
    ${when ? `when: ${when}` : ''}
    actions:
      - set: { /data/hits/${id}: true }`;

const P201 = ['ocpp2.0.1'];

async function send(h: Awaited<ReturnType<typeof startHarness>>, identity: string, datas: unknown[]): Promise<string[][]> {
  const cp = await h.station(identity, { protocols: P201 });
  const before = h.csms.received.length;
  for (const data of datas) await cp.call('DataTransfer', { vendorId: 'V', data });
  await cp.close();
  return h.csms.received.slice(before).map((r) => Object.keys(r.params.data?.hits ?? {}).sort());
}

test('where: equals, scalar shorthand, regex, exists, numeric bounds (numeric strings too)', async () => {
  const h = await startHarness({
    files: {
      'where.yaml': `rules:${[
        marker('eq', 'where: { /data/kind: { equals: a } }'),
        marker('short', 'where: { /data/kind: a }'),
        marker('deep', 'where: { /data/obj: { equals: { x: [1, 2] } } }'),
        marker('re', "where: { /data/name: { regex: '^CP-\\d+$' } }"),
        marker('has', 'where: { /data/opt: { exists: true } }'),
        marker('hasnt', 'where: { /data/opt: { exists: false } }'),
        marker('range', 'where: { /data/n: { gt: 5, lte: 10 } }'),
        marker('both', 'where: { /data/kind: a, /data/n: { lt: 0 } }'),
      ].join('')}\n`,
    },
  });
  try {
    const hits = await send(h, 'CP-1', [
      { kind: 'a', name: 'CP-12', opt: 1, n: 7 },
      { kind: 'b', name: 'CP-x', n: 5, obj: { x: [1, 2] } },
      { kind: 'a', n: '10', name: 'xCP-1' },
      { kind: 'a', n: -1, opt: null },
    ]);
    assert.deepEqual(hits, [
      ['eq', 'has', 'range', 're', 'short'],
      ['deep', 'hasnt'],
      ['eq', 'hasnt', 'range', 'short'],
      ['both', 'eq', 'has', 'short'],
    ]);
  } finally {
    await h.close();
  }
});

test('direction, type, action glob, station glob and version narrow the match; answers match by their CALL\'s action', async () => {
  const h = await startHarness({
    files: {
      'match.yaml': `rules:${[
        marker('any-data', ''),
        marker('station-a', 'station: "CP-A*"'),
        marker('v16-only', 'version: "1.6"'),
        marker('v201', 'version: "2.0.1"'),
      ].join('')}
  - id: glob-action
    match: { direction: to-csms, action: "Data*" }
    actions: [ { set: { /data/hits/glob-action: true } } ]
  - id: not-this-way
    match: { direction: to-station, type: CALL, action: DataTransfer }
    actions: [ { drop: true } ]
  - id: rewrite-answer
    match: { direction: to-station, type: CALLRESULT, action: DataTransfer, where: { /status: Accepted } }
    actions: [ { set: { /data: rewritten } } ]
`,
    },
  });
  try {
    assert.deepEqual(await send(h, 'CP-A1', [{}]), [['any-data', 'glob-action', 'station-a', 'v201']]);
    assert.deepEqual(await send(h, 'CP-B1', [{}]), [['any-data', 'glob-action', 'v201']]);
    const cp = await h.station('CP-C', { protocols: P201 });
    assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'V' }), { status: 'Accepted', data: 'rewritten' });
  } finally {
    await h.close();
  }
});

test('when: every Nth, after N, at most N times, and time windows', async () => {
  const past = new Date(Date.now() - 60_000).toISOString();
  const h = await startHarness({
    files: {
      'when.yaml': `rules:${[
        marker('every3', '', '{ every: 3 }'),
        marker('after2', '', '{ after: 2 }'),
        marker('times2', '', '{ times: 2 }'),
        marker('after1-every2-times2', '', '{ after: 1, every: 2, times: 2 }'),
        marker('later', '', '{ from: 1h }'),
        marker('until-1h', '', '{ until: 1h }'),
        marker('since-past', '', `{ from: "${past}" }`),
        marker('ended', '', `{ until: "${past}" }`),
        marker('never', '', '{ probability: 0 }'),
        marker('always', '', '{ probability: 1 }'),
      ].join('')}\n`,
    },
  });
  try {
    const hits = await send(h, 'CP-1', [1, 2, 3, 4, 5, 6, 7].map((i) => ({ i })));
    const firedOn = (id: string): number[] => hits.flatMap((ids, i) => (ids.includes(id) ? [i + 1] : []));
    assert.deepEqual(firedOn('every3'), [3, 6]);
    assert.deepEqual(firedOn('after2'), [3, 4, 5, 6, 7]);
    assert.deepEqual(firedOn('times2'), [1, 2]);
    assert.deepEqual(firedOn('after1-every2-times2'), [3, 5]);
    assert.deepEqual(firedOn('later'), []);
    assert.deepEqual(firedOn('until-1h'), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(firedOn('since-past'), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(firedOn('ended'), []);
    assert.deepEqual(firedOn('never'), []);
    assert.deepEqual(firedOn('always'), [1, 2, 3, 4, 5, 6, 7]);
    const view = h.rules.list().rules.find((r) => r.id === 'every3')!;
    assert.equal(view.matched, 7);
    assert.equal(view.hits, 2);
  } finally {
    await h.close();
  }
});

test('when.perStation counts each station on its own', async () => {
  const h = await startHarness({
    files: { 'p.yaml': `rules:${marker('fleet-every2', '', '{ every: 2 }')}${marker('station-every2', '', '{ every: 2, perStation: true }')}\n` },
  });
  try {
    const a = await h.station('CP-A', { protocols: P201 });
    const b = await h.station('CP-B', { protocols: P201 });
    for (const [cp, i] of [[a, 'A1'], [b, 'B1'], [a, 'A2'], [b, 'B2']] as const) await cp.call('DataTransfer', { vendorId: 'V', data: { i } });
    assert.deepEqual(
      h.csms.received.map((r) => [r.params.data.i, Object.keys(r.params.data.hits ?? {}).sort()]),
      [['A1', []], ['B1', ['fleet-every2']], ['A2', ['station-every2']], ['B2', ['fleet-every2', 'station-every2']]],
    );
    const view = h.rules.list().rules.find((r) => r.id === 'station-every2')!;
    assert.deepEqual([view.matched, view.hits], [4, 2]);
  } finally {
    await h.close();
  }
});

test('rules apply in file order, each on the frame as the rules before it left it; a final action stops the chain', async () => {
  const h = await startHarness({
    files: {
      'a.yaml': `rules:
  - id: first
    match: { direction: to-csms, action: DataTransfer }
    actions: [ { set: { /data/v: 1 } } ]
  - id: second
    match: { direction: to-csms, action: DataTransfer, where: { /data/v: 1 } }
    actions: [ { set: { /data/v: 2 } }, { answer: { payload: { status: Rejected } } } ]
`,
      'b.yaml': `rules:
  - id: third
    match: { direction: to-csms, action: DataTransfer }
    actions: [ { set: { /data/v: 3 } } ]
`,
    },
  });
  try {
    const cp = await h.station('CP-1', { protocols: P201 });
    assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'V', data: {} }), { status: 'Rejected' });
    assert.equal(h.csms.received.length, 0);
    assert.deepEqual(h.rules.list().rules.map((r) => [r.id, r.hits]), [['first', 1], ['second', 1], ['third', 0]]);
  } finally {
    await h.close();
  }
});
