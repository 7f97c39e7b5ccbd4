/**
 * Capture through a ClickHouse server (Debian's clickhouse-server, started by the test on free ports): a recording
 * imported into it gives the same report, exports back out of it unchanged, and replay reads its session there.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { cli, framesOf as frames, ok, recordedFolder, reportOf as report } from '../support/capture-cli.js';
import { startCsms } from '../support/ocpp-peers.js';
import { SKIP_MESSAGE, TestClickhouse } from '../store/clickhouse-support.js';

let folder: Awaited<ReturnType<typeof recordedFolder>>;
let root: string;
let recorded: string;

before(async () => {
  folder = await recordedFolder('ocpp-mitm-capture-server-');
  ({ root, recorded } = folder);
});

after(() => folder.remove());

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

