/**
 * `frames` says what happened, in order: a CALLERROR the proxy answered a refused CALL with is listed after that
 * CALL (it is recorded first); `issues` in JSON is an array, not JSON in a string; the table's flags are the live
 * view's, with their legend. `--follow` says when the proxy stops, and with `--reconnect` follows it again when it
 * comes back. Real relay, validation in enforce, the store (chDB) and the control API.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { it } from 'node:test';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { runFrames } from '../../src/store/frames-command.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { createValidationAddon } from '../../src/validation/validation-addon.js';
import { createValidator } from '../../src/validation/validator.js';
import { connectRawStation, connectStation, startCsms } from '../support/ocpp-peers.js';
import { tempDir, waitFor } from './clickhouse-support.js';

const capture = () => {
  const out: string[] = [];
  return { out, write: (s: string) => void out.push(s), text: () => out.join('') };
};
const validator = createValidator({ lazy: true });

it('frames: the refused CALL before the CALLERROR, issues as JSON, flags with their legend; --follow through a restart', { timeout: 120_000 }, async () => {
  const dataDir = await tempDir();
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const start = (): Promise<Relay> =>
    startRelay({
      upstream: csms.url,
      dataDir,
      malformed: 'refuse',
      addons: [createValidationAddon({ mode: 'enforce', validator }), createStoreAddon({ flushMs: 50, priority: 'normal' }), createControlAddon({ dataDir })],
    });
  let relay = await start();
  try {
    const raw = await connectRawStation(`${relay.url}/ocpp/REF-1`);
    raw.send(JSON.stringify([2, 'a1', 'Authorize', {}]));
    assert.equal((await raw.next())[2], 'OccurenceConstraintViolation');
    raw.close();

    let rows: Array<Record<string, any>> = [];
    await waitFor('both frames recorded', async () => {
      const c = capture();
      await runFrames({ dataDir, station: 'REF-1', format: 'json' }, c.write);
      rows = JSON.parse(c.text());
      return rows.length === 2;
    });
    assert.deepEqual(rows.map((r) => [r.kind, r.direction, r.origin]), [
      ['CALL', 'to-csms', 'wire'],
      ['CALLERROR', 'to-station', 'proxy'],
    ]);
    assert.ok(Array.isArray(rows[0]!.issues), 'issues is a JSON array');
    assert.match(rows[0]!.issues[0].message, /idTag: required field missing/);

    const table = capture();
    await runFrames({ dataDir, station: 'REF-1' }, table.write);
    const lines = table.text().trimEnd().split('\n');
    assert.match(lines[1]!, /CALL\s+Authorize\s+a1\s+\d+\s+! X\s/, 'invalid and dropped, in the live view\'s letters');
    assert.match(lines[2]!, /CALLERROR\s+Authorize\s+a1\s+\d+\s+\+\s/, 'injected by the proxy');
    assert.equal(lines.at(-1), 'flags: ! invalid  M modified  X dropped  + injected  ~ delayed');

    // --follow without --reconnect: the proxy stops → said plainly.
    const ac1 = new AbortController();
    const plainOut = capture();
    const plain = runFrames({ dataDir, follow: true, pollMs: 50 }, plainOut.write, ac1.signal).then(
      () => new Error('it kept following'),
      (err: Error) => err,
    );
    await waitFor('following', () => plainOut.out.length > 0);
    await relay.close();
    assert.match((await plain).message, /^the proxy stopped \(its control API no longer answers\); frames --follow --reconnect keeps following/);

    // --follow --reconnect: waits, and follows the proxy that comes back on the same data folder.
    relay = await start();
    const follow = capture();
    const notices = capture();
    const ac = new AbortController();
    const following = runFrames({ dataDir, follow: true, reconnect: true, format: 'json', limit: 1, pollMs: 50 }, follow.write, ac.signal, notices.write);
    await waitFor('the backlog', () => follow.out.length === 1);
    await relay.close();
    await waitFor('the stop noticed', () => /the proxy stopped; waiting for it to come back/.test(notices.text()));
    relay = await start();
    await waitFor('the return noticed', () => /the proxy is back; following again/.test(notices.text()), 20_000);
    const st = await connectStation({ url: `${relay.url}/ocpp/`, identity: 'BACK-1' });
    await st.call('Heartbeat', {});
    await waitFor('frames of the new session', () => follow.out.some((l) => JSON.parse(l).identity === 'BACK-1'), 20_000);
    ac.abort();
    await following;
    await st.close();
    void ac1;
  } finally {
    await relay.close();
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
