/**
 * Capture through a ClickHouse server (Debian's clickhouse-server, started by the test on free ports): a recording
 * imported into it gives the same report, exports back out of it unchanged, and replay reads its session there.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { startCsms } from '../support/ocpp-peers.js';
import { SKIP_MESSAGE, tempDir, TestClickhouse } from '../store/clickhouse-support.js';
import { recordSessions } from './record-sessions.js';

let root: string;
let recorded: string;

before(async () => {
  root = await tempDir('ocpp-mitm-capture-server-');
  recorded = join(root, 'recorded');
  await recordSessions(recorded);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const run = runCli(args);
  const { code } = await run.exited;
  return { code, out: run.stdout(), err: run.stderr() };
}

async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  assert.equal(r.code, 0, `ocpp-mitm ${args.join(' ')} failed:\n${r.err}`);
  return r.out;
}

const report = async (dataDir: string): Promise<unknown[]> => JSON.parse(await ok(['report', '--data', dataDir, '--format', 'json'])) as unknown[];
const frames = async (dataDir: string): Promise<unknown[]> =>
  (JSON.parse(await ok(['frames', '--data', dataDir, '--format', 'json', '--limit', '1000'])) as Array<Record<string, unknown>>).map((f) => [
    f.identity, f.direction, f.kind, f.action, f.messageId, f.text, f.valid,
  ]);

it('a ClickHouse server is a store like any other: import into it, export from it, replay from it', { timeout: 180_000 }, async (t) => {
  const server = await TestClickhouse.launch();
  if (!server) {
    t.skip(SKIP_MESSAGE);
    return;
  }
  try {
    const url = `${server.url}/capture_test`;
    const jsonl = join(root, 'to-server.jsonl');
    await ok(['export', '--data', recorded, '--out', jsonl]);
    await ok(['import', jsonl, '--clickhouse', url]);
    const original = await report(recorded);
    assert.deepEqual(JSON.parse(await ok(['report', '--clickhouse', url, '--format', 'json'])), original);
    // Back out of the server as HAR, into a chDB store: still the same.
    const har = join(root, 'from-server.har');
    await ok(['export', '--clickhouse', url, '--format', 'har', '--out', har]);
    const target = join(root, 'server-roundtrip');
    await ok(['import', har, '--data', target]);
    assert.deepEqual(await report(target), original);
    assert.deepEqual(await frames(target), await frames(recorded));
    // Replay reads its session from the server, and records its report there.
    const csms = await startCsms();
    try {
      const replay = await cli(['replay', '--clickhouse', url, '--as', 'station', '--station', 'CP-201', '--target', csms.url, '--speed', 'max']);
      assert.equal(replay.code, 0, replay.out + replay.err);
      assert.match(replay.out, /5 exchange\(s\), no differences/);
      assert.equal(replay.err, '', 'recorded without complaint');
    } finally {
      await csms.close();
    }
  } finally {
    await server.destroy();
  }
});

