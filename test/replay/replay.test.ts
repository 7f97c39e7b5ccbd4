/**
 * `ocpp-mitm replay` on sessions recorded through the real relay: as the station against a CSMS that answers
 * Authorize differently (exactly that difference, exit 1, the new transactionId carried forward), against the same
 * CSMS (no difference, exit 0), and as the CSMS for a live ocpp-rpc station.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { openWritableStore } from '../../src/capture/index.js';
import { readReplays, runReplay, storeReport, type ReplayReport } from '../../src/replay/index.js';
import { runCli } from '../support/cli-process.js';
import { connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';
import { tempDir } from '../store/clickhouse-support.js';
import { drive16, recordSessions } from '../support/record-sessions.js';

let root: string;
let data: string;
const csmsList: TestCsms[] = [];

before(async () => {
  root = await tempDir('ocpp-mitm-replay-');
  data = join(root, 'data');
  await recordSessions(data);
});

after(async () => {
  for (const c of csmsList) await c.close();
  await rm(root, { recursive: true, force: true });
});

async function replayCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const run = runCli(['replay', '--data', data, ...args]);
  const { code } = await run.exited;
  return { code, out: run.stdout(), err: run.stderr() };
}

it('as station: a CSMS answering Authorize differently shows exactly that difference and exits 1', { timeout: 120_000 }, async () => {
  const csms = await startCsms({
    protocols: ['ocpp1.6'],
    handlers: {
      Authorize: () => ({ idTagInfo: { status: 'Invalid' } }),
      StartTransaction: () => ({ transactionId: 2002, idTagInfo: { status: 'Accepted' } }),
    },
  });
  csmsList.push(csms);
  const r = await replayCli(['--as', 'station', '--station', 'CP-16', '--target', csms.url, '--speed', 'max', '--json']);
  assert.equal(r.code, 1, r.err);
  const report = JSON.parse(r.out) as ReplayReport;
  assert.equal(report.station, 'CP-16');
  assert.deepEqual(report.exchanges.map((e) => e.action), ['BootNotification', 'Authorize', 'StartTransaction', 'MeterValues', 'StopTransaction']);
  assert.equal(report.differing, 1);
  const differing = report.exchanges.filter((e) => e.differences.length);
  assert.deepEqual(differing.map((e) => [e.action, e.differences]), [
    ['Authorize', [{ path: '/idTagInfo/status', what: 'changed', recorded: 'Accepted', live: 'Invalid' }]],
  ]);
  for (const e of report.exchanges) assert.equal(typeof e.liveMs, 'number', `${e.action} was answered`);
  // New message ids, and the CSMS's transactionId carried into the later CALLs.
  const got = csms.received.filter((c) => c.identity === 'CP-16');
  assert.deepEqual(got.map((c) => c.method), ['BootNotification', 'Authorize', 'StartTransaction', 'MeterValues', 'StopTransaction']);
  assert.equal(got[3]!.params.transactionId, 2002);
  assert.equal(got[4]!.params.transactionId, 2002);

  const text = await replayCli(['--as', 'station', '--station', 'CP-16', '--target', csms.url, '--speed', 'max', '--no-record']);
  assert.equal(text.code, 1);
  assert.match(text.out, /replay of CP-16 session \S+ as station against ws:\/\/127\.0\.0\.1:\d+\/ocpp\/CP-16: 5 exchange\(s\), 1 differ/);
  assert.match(text.out, /Authorize\s+CALLRESULT\s+[\d.]+\s+[\d.]+\s+\/idTagInfo\/status: Accepted → Invalid/);
});

it('as station: the same CSMS gives no difference and exit 0 (1.6 and 2.0.1)', { timeout: 120_000 }, async () => {
  const csms = await startCsms();
  csmsList.push(csms);
  for (const station of ['CP-16', 'CP-201']) {
    const r = await replayCli(['--as', 'station', '--station', station, '--target', csms.url, '--speed', '50', '--json']);
    assert.equal(r.code, 0, r.out + r.err);
    const report = JSON.parse(r.out) as ReplayReport;
    assert.equal(report.differing, 0, JSON.stringify(report.exchanges));
    assert.equal(report.exchanges.length, 5);
  }
  // The same session from a capture file instead of the store.
  const file = join(root, 'cp16.jsonl');
  const exported = runCli(['export', '--data', data, '--station', 'CP-16', '--out', file]);
  assert.equal((await exported.exited).code, 0, exported.stderr());
  const fromFile = await replayCli(['--as', 'station', '--from', file, '--station', 'CP-16', '--target', csms.url, '--speed', 'max']);
  assert.equal(fromFile.code, 0, fromFile.out + fromFile.err);
  assert.match(fromFile.out, /replay of CP-16 session .* 5 exchange\(s\), no differences/);
  assert.deepEqual(
    csms.received.filter((c) => c.identity === 'CP-201').map((c) => c.params.transactionInfo?.transactionId).filter(Boolean),
    ['TX-201', 'TX-201', 'TX-201'],
    'ids the 2.0.1 station chose stay as recorded',
  );
});

it('as csms: a live station is played the recorded CSMS side, and the report is recorded into the store', { timeout: 120_000 }, async () => {
  const run = async (remoteStart: 'Accepted' | 'Rejected'): Promise<{ report: ReplayReport; finished: boolean }> => {
    let finished = false;
    let remoteStarted!: () => void;
    const gotRemoteStart = new Promise<void>((r) => (remoteStarted = r));
    let driving: Promise<void> | undefined;
    const report = await runReplay({
      dataDir: data,
      as: 'csms',
      station: 'CP-16',
      listen: { host: '127.0.0.1', port: 0 },
      speed: 'max',
      timeoutMs: 10_000,
      onListening: (port) => {
        driving = (async () => {
          const station = await connectStation({
            url: `ws://127.0.0.1:${port}/ocpp`,
            identity: 'BENCH-1',
            protocols: ['ocpp1.6'],
            handlers: {
              RemoteStartTransaction: () => {
                remoteStarted();
                return { status: remoteStart };
              },
            },
          });
          await drive16(station, () => gotRemoteStart);
          finished = true; // every CALL of the transaction was answered (strict ocpp-rpc)
          await station.close();
        })();
      },
    });
    await driving;
    return { report, finished };
  };

  const same = await run('Accepted');
  assert.equal(same.report.as, 'csms');
  assert.deepEqual(same.report.exchanges.map((e) => [e.action, e.differences]), [['RemoteStartTransaction', []]]);
  assert.deepEqual(same.report.otherCalls.live, ['BootNotification', 'Authorize', 'StartTransaction', 'MeterValues', 'StopTransaction']);
  assert.ok(same.finished, 'the station got an answer to every CALL');

  const rejected = await run('Rejected');
  assert.equal(rejected.report.differing, 1);
  assert.deepEqual(rejected.report.exchanges[0]!.differences, [{ path: '/status', what: 'changed', recorded: 'Accepted', live: 'Rejected' }]);

  assert.equal(await storeReport({ dataDir: data, as: 'csms' }, rejected.report), undefined);
  const backend = await openWritableStore({ dataDir: data });
  try {
    const rows = await readReplays(backend, rejected.report.session);
    const mine = rows.filter((r) => r.replay_id === rejected.report.replayId);
    assert.equal(mine.length, 1);
    assert.equal(Number(mine[0]!.differs), 1);
    assert.match(mine[0]!.differences, /"live":"Rejected"/);
    // The CLI runs above recorded theirs too (the --json one of the first test, with its Authorize difference).
    assert.ok(rows.some((r) => r.action === 'Authorize' && Number(r.differs) === 1));
  } finally {
    await backend.close();
  }
});


it('paces CALLs as recorded, N times faster, or as fast as answers come (a hand-written capture)', { timeout: 60_000 }, async () => {
  const t0 = 1_764_900_000_000_000;
  const frame = (at: number, direction: string, kind: string, id: string, text: string) => ({
    type: 'frame', receivedAt: t0 + at, sentAt: t0 + at, session: 'S-T', station: 'CP-T', direction, kind, messageId: id, action: 'Heartbeat', received: text, sent: text,
  });
  const lines = [
    { type: 'session', session: 'S-T', station: 'CP-T', openedAt: t0, closedAt: null, stationProtocol: 'ocpp1.6', csmsProtocol: 'ocpp1.6' },
    frame(0, 'to-csms', 'CALL', 'h1', '[2,"h1","Heartbeat",{}]'),
    frame(1_000, 'to-station', 'CALLRESULT', 'h1', '[3,"h1",{"currentTime":"2026-12-05T00:00:00Z"}]'),
    frame(2_000_000, 'to-csms', 'CALL', 'h2', '[2,"h2","Heartbeat",{}]'),
    frame(2_001_000, 'to-station', 'CALLRESULT', 'h2', '[3,"h2",{"currentTime":"2026-12-05T00:00:02Z"}]'),
  ];
  const file = join(root, 'paced.jsonl');
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  csmsList.push(csms);
  const timed = async (speed: number | 'max'): Promise<number> => {
    const started = performance.now();
    const report = await runReplay({ from: file, station: 'CP-T', as: 'station', target: csms.url, speed, timeoutMs: 10_000 });
    assert.equal(report.differing, 0, JSON.stringify(report.exchanges));
    return performance.now() - started;
  };
  assert.ok((await timed(1)) >= 1990, 'recorded pace: the second CALL 2 s after the first');
  assert.ok((await timed(4)) >= 490, 'four times faster: 0.5 s');
  const max = await timed('max');
  assert.ok(max < 2000, `max: no waiting on the recording (${max.toFixed(0)} ms)`);
  assert.equal(csms.received.filter((c) => c.identity === 'CP-T').length, 6);
});
