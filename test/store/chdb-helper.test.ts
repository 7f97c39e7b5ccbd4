/**
 * The embedded chDB runs in a helper process at idle CPU priority: its crash is not the relay's (rows spool, a new
 * helper starts, every row arrives), and its threads only take CPU the relay leaves free.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import { startRelay } from '../../src/core/relay.js';
import { openChdbProcess, type StorePriority } from '../../src/store/chdb-process-backend.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { chdbDir } from '../../src/store/store-paths.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { tempDir, waitFor } from './clickhouse-support.js';

/** This process's children running the chDB helper. */
function helperPids(): number[] {
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chdb-host');
    } catch {
      return false;
    }
  });
}

/** Scheduling policy (0 SCHED_OTHER, 5 SCHED_IDLE) and nice value of every thread of a process. */
function threadPriorities(pid: number): Array<{ policy: number; nice: number }> {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { policy: Number(/^policy\s*:\s*(\d+)/m.exec(sched)?.[1]), nice: Number(fields[16]) };
  });
}

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

describe('chDB helper process', () => {
  it('keeps relaying when the helper crashes, starts a new one, and loses no row', { timeout: 90_000 }, async () => {
    const dataDir = await tempDir();
    const csms = await startCsms({ protocols: ['ocpp1.6'] });
    const notices: Array<Extract<RelayEvent, { type: 'notice' }>> = [];
    const collector: Addon = { name: 'test-notices', observe: (e) => void (e.type === 'notice' && e.source === 'store' && notices.push(e)) };
    const store = createStoreAddon({ flushMs: 50, batchRows: 20 });
    const relay = await startRelay({ upstream: csms.url, dataDir, addons: [store, collector] });
    try {
      const station = await connectStation({ url: `${relay.url}/ocpp/`, identity: 'CP-CRASH' });
      for (let i = 0; i < 20; i++) await station.call('Heartbeat', {});
      await waitFor('the first 40 frames written', () => store.stats().written >= 41); // 40 frames + the open session
      const [first] = helperPids();
      assert.ok(first, 'a chDB helper process runs beside the relay');

      process.kill(first, 'SIGKILL');
      for (let i = 0; i < 30; i++) {
        const res = (await station.call('Heartbeat', {})) as { currentTime?: string };
        assert.ok(res.currentTime, 'the CSMS answered through the relay');
      }
      await waitFor('a notice that the helper died', () => notices.some((n) => n.level === 'error' && /helper process was killed \(SIGKILL\)/.test(n.text)));
      await waitFor('every frame recorded', async () => (await store.reader().frames({ station: 'CP-CRASH', limit: 1000 }).catch(() => [])).length === 100, 30_000);
      const frames = await store.reader().frames({ station: 'CP-CRASH', limit: 1000 });
      assert.equal(new Set(frames.map((f) => f.seq)).size, 100, 'each frame once');
      const [second] = helperPids();
      assert.ok(second && second !== first, `a new helper (${second}) replaced the killed one (${first})`);
      assert.equal(store.stats().lost, 0);
      await station.close();
    } finally {
      await relay.close();
      await csms.close();
    }
    assert.deepEqual(helperPids(), [], 'the helper exits with the relay');
    await rm(dataDir, { recursive: true, force: true });
  });

  // Without chrt (util-linux), `idle` falls back to nice 19.
  const hasChrt = spawnSync('chrt', ['--help']).status === 0;
  for (const [priority, policy, nice] of [
    ['idle', hasChrt ? SCHED_IDLE : SCHED_OTHER, 19],
    ['low', SCHED_OTHER, 19],
    ['normal', SCHED_OTHER, 0],
  ] as Array<[StorePriority, number, number]>) {
    it(`runs every ClickHouse thread at ${priority} priority, the relay's own threads as they were`, { timeout: 60_000 }, async () => {
      const dir = await tempDir();
      const backend = await openChdbProcess(chdbDir(dir), { priority });
      try {
        await backend.exec('CREATE TABLE t (x UInt64) ENGINE = MergeTree ORDER BY x');
        await backend.insert('t', Buffer.from('{"x":1}\n{"x":2}\n'), 'JSONEachRow');
        assert.deepEqual(await backend.query('SELECT sum(x) AS s FROM t'), [{ s: 3 }]);
        const threads = threadPriorities(backend.helperPid!);
        assert.ok(threads.length > 5, `the helper runs chDB's thread pools (${threads.length} threads)`);
        // The policy holds for every thread; the nice value for all but the MemoryWorker, which ClickHouse sets to -20.
        for (const t of threads) assert.equal(t.policy, policy, `every helper thread's policy is ${policy}`);
        if (policy !== SCHED_IDLE) assert.ok(threads.filter((t) => t.nice === nice).length >= threads.length - 1, `nice ${nice}: ${JSON.stringify(threads)}`);
        for (const t of threadPriorities(process.pid)) assert.equal(t.policy, SCHED_OTHER, "the relay's process is left as it was");
      } finally {
        await backend.close();
        await rm(dir, { recursive: true, force: true });
      }
      assert.deepEqual(helperPids(), [], 'close() ends the helper');
    });
  }
});
