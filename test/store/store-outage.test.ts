/**
 * ClickHouse goes away mid-run: the relay keeps relaying, rows spool to disk, and every one of them arrives once
 * the server is back. A real clickhouse-server is stopped and started again under a running relay.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import { startRelay } from '../../src/core/relay.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import type { StoreStats } from '../../src/store/writer.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { SKIP_MESSAGE, tempDir, TestClickhouse, waitFor } from './clickhouse-support.js';

const server = await TestClickhouse.launch();
after(async () => server?.destroy());

function noticeCollector(): Addon & { notices: Array<Extract<RelayEvent, { type: 'notice' }>> } {
  const notices: Array<Extract<RelayEvent, { type: 'notice' }>> = [];
  return {
    name: 'test-notices',
    notices,
    observe(e) {
      if (e.type === 'notice' && e.source === 'store') notices.push(e);
    },
  };
}

it('keeps relaying while ClickHouse is down and loses no row', { skip: server ? undefined : SKIP_MESSAGE, timeout: 90_000 }, async () => {
  const ch = server!;
  const dataDir = await tempDir();
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const notices = noticeCollector();
  const store = createStoreAddon({ clickhouse: `${ch.url}/outage`, flushMs: 50, batchRows: 20, requestTimeoutMs: 2000 });
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [store, notices] });
  const countFrames = async (): Promise<number> => Number(await ch.query("SELECT count() FROM outage.frames WHERE identity = 'CP-OUT'"));
  const stats = async (): Promise<StoreStats> => (await relay.control.match('GET', '/api/store/stats')!.handler({} as never)) as StoreStats;
  try {
    const station = await connectStation({ url: `${relay.url}/ocpp/`, identity: 'CP-OUT' });
    for (let i = 0; i < 20; i++) await station.call('Heartbeat', {});
    await waitFor('the first 40 frames in ClickHouse', async () => (await countFrames()) === 40);

    await ch.stop();
    // Relaying never pauses: every call is answered while the store cannot write.
    for (let i = 0; i < 60; i++) {
      const res = (await station.call('Heartbeat', {})) as { currentTime?: string };
      assert.ok(res.currentTime, 'the CSMS answered through the relay');
    }
    await waitFor('the store to notice the outage', async () => (await stats()).state === 'down');
    await waitFor('rows in the spool', async () => (await stats()).spooled >= 100);
    const down = await stats();
    assert.equal(down.lost, 0);
    assert.match(down.lastError, /^ClickHouse at http:\/\/127\.0\.0\.1:\d+\/outage unreachable: ECONNREFUSED — spooling to .*wal$/);
    await waitFor('a down notice', () => notices.notices.some((n) => n.level === 'error'));
    assert.match(notices.notices.find((n) => n.level === 'error')!.text, /unreachable: ECONNREFUSED — spooling to/);

    await ch.start();
    await waitFor('every frame in ClickHouse', async () => (await countFrames().catch(() => -1)) === 160, 30_000);
    await waitFor('an empty spool', async () => (await stats()).spooled === 0);
    const up = await stats();
    assert.equal(up.state, 'up');
    assert.ok(up.replayed >= 100, `replayed ${up.replayed}`);
    assert.equal(up.lost, 0);
    assert.equal(up.rejected, 0);
    assert.ok(notices.notices.some((n) => n.level === 'info' && /is back: replaying \d+ spooled rows/.test(n.text)));
    // Exactly once: no frame twice.
    assert.equal(Number(await ch.query("SELECT uniqExact(store_seq) FROM outage.frames WHERE identity = 'CP-OUT'")), 160);
    await station.close();
  } finally {
    await relay.close();
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  assert.equal(Number(await ch.query("SELECT count() FROM outage.sessions WHERE identity = 'CP-OUT'")), 2, 'open and close rows');
});

it('spools while ClickHouse hangs (SIGSTOP) and catches up when it resumes', { skip: server ? undefined : SKIP_MESSAGE, timeout: 90_000 }, async () => {
  const ch = server!;
  const pid = Number(readFileSync(join(ch.dir, 'clickhouse.pid'), 'utf8'));
  const dataDir = await tempDir();
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const store = createStoreAddon({ clickhouse: `${ch.url}/hang`, flushMs: 50, batchRows: 10, requestTimeoutMs: 1000 });
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [store] });
  let stopped = false;
  try {
    const station = await connectStation({ url: `${relay.url}/ocpp/`, identity: 'CP-HANG' });
    await station.call('Heartbeat', {});
    await waitFor('the first frames written', () => store.stats().written >= 2);
    process.kill(pid, 'SIGSTOP');
    stopped = true;
    for (let i = 0; i < 30; i++) await station.call('Heartbeat', {});
    await waitFor('the store to give up on the hung server', () => store.stats().state === 'down');
    assert.match(store.stats().lastError, /unreachable: .*(timeout|Timeout).* — spooling to /);
    process.kill(pid, 'SIGCONT');
    stopped = false;
    await waitFor('every frame in ClickHouse', async () => Number(await ch.query("SELECT count() FROM hang.frames WHERE identity = 'CP-HANG'").catch(() => '-1')) >= 62, 30_000);
    await waitFor('an empty spool', () => store.stats().spooled === 0);
    // A timed-out INSERT may still have landed: at least once, and nothing lost.
    assert.equal(Number(await ch.query("SELECT uniqExact(store_seq) FROM hang.frames WHERE identity = 'CP-HANG'")), 62);
    assert.equal(store.stats().lost, 0);
    await station.close();
  } finally {
    if (stopped) process.kill(pid, 'SIGCONT');
    await relay.close();
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('refuses to start with a wrong ClickHouse password, without printing it', { skip: server ? undefined : SKIP_MESSAGE, timeout: 30_000 }, async () => {
  const dataDir = await tempDir();
  const csms = await startCsms();
  try {
    await assert.rejects(
      startRelay({ upstream: csms.url, dataDir, addons: [createStoreAddon({ clickhouse: `http://mitm:not-the-Pw-123@127.0.0.1:${server!.httpPort}/x` })] }),
      (err: Error) => {
        assert.match(err.message, /^ClickHouse at http:\/\/127\.0\.0\.1:\d+\/x: .*[Pp]assword/);
        assert.doesNotMatch(err.message, /not-the-Pw-123/);
        return true;
      },
    );
  } finally {
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
