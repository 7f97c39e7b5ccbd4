/**
 * Translation state in a real redis-server (`--state redis://`): shared by two stores (two proxies), fenced by an
 * epoch so a stale owner loses, and kept in memory with writes retried while Redis is down.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisStateStore } from '../../src/translate/redis-state-store.js';
import { REDIS_SKIP, TestRedis } from '../support/redis-server.js';
import { until } from '../support/until.js';

interface Seen {
  errors: string[];
  infos: string[];
  lost: string[];
}

function store(url: string, owner: string): { s: RedisStateStore; seen: Seen } {
  const seen: Seen = { errors: [], infos: [], lost: [] };
  const s = new RedisStateStore({ url, owner, onError: (t) => seen.errors.push(t), onRecover: (t) => seen.infos.push(t), onLost: (id) => seen.lost.push(id) });
  return { s, seen };
}


test('two instances share a station’s state; the newest claim wins and the stale owner is told', async (t) => {
  const redis = await TestRedis.launch();
  if (!redis) return t.skip(REDIS_SKIP);
  const a = store(redis.url, 'A');
  const b = store(redis.url, 'B');
  const raw = new Redis(redis.url);
  try {
    await a.s.open();
    await b.s.open();
    await a.s.claim('CP-1');
    const sa = a.s.get('CP-1');
    assert.equal(sa.nextTxInt, 1, 'a station never seen starts afresh');
    sa.nextTxInt = 5;
    sa.txs.push({ id: 'tx-a', int: 4, connector: 1, evseId: 1, evseConnector: 1, seqNo: 3, started: true, ended: false, startedAt: 'now' });
    a.s.changed('CP-1');
    await a.s.flush();

    await b.s.claim('CP-1');
    const sb = b.s.get('CP-1');
    assert.equal(sb.nextTxInt, 5, 'B reads what A wrote');
    assert.equal(sb.txs[0]?.id, 'tx-a');
    assert.equal(await raw.hget('ocpp-mitm:translation:CP-1', 'owner'), 'B');

    // A, now stale, changes its copy: the write is fenced off and A is told to let the station go.
    sa.nextTxInt = 99;
    a.s.changed('CP-1');
    await a.s.flush();
    assert.deepEqual(a.seen.lost, ['CP-1']);
    assert.equal(JSON.parse((await raw.hget('ocpp-mitm:translation:CP-1', 'state'))!).nextTxInt, 5, 'the stale write did not land');

    sb.nextTxInt = 6;
    b.s.changed('CP-1');
    await b.s.flush();
    assert.equal(JSON.parse((await raw.hget('ocpp-mitm:translation:CP-1', 'state'))!).nextTxInt, 6, 'the owner writes');
    assert.deepEqual(b.seen.lost, []);
    assert.deepEqual([...a.seen.errors, ...b.seen.errors], []);
  } finally {
    raw.disconnect();
    await a.s.close();
    await b.s.close();
    await redis.destroy();
  }
});

test('Redis down: a claim fails at once naming Redis; held states stay in memory and are written once it is back', async (t) => {
  const redis = await TestRedis.launch();
  if (!redis) return t.skip(REDIS_SKIP);
  const a = store(`${redis.url}/0`, 'A');
  const raw = new Redis(redis.url, { lazyConnect: true });
  try {
    await a.s.open();
    await a.s.claim('CP-OPEN');
    const st = a.s.get('CP-OPEN');
    st.nextTxInt = 2;
    a.s.changed('CP-OPEN');
    await a.s.flush();

    await redis.kill();
    const t0 = Date.now();
    await assert.rejects(a.s.claim('CP-NEW'), (err: Error) => {
      assert.match(err.message, /translation state of CP-NEW unreadable: redis:\/\/127\.0\.0\.1:\d+\/0 unavailable/);
      return true;
    });
    assert.ok(Date.now() - t0 < 3000, 'refused at once, not after a long wait');

    // The open session goes on translating from memory; its change waits.
    st.nextTxInt = 3;
    a.s.changed('CP-OPEN');
    await until('the outage reported', () => a.seen.errors.length > 0);
    assert.match(a.seen.errors[0]!, /redis:\/\/127\.0\.0\.1:\d+\/0 unavailable .*writes retried/);
    assert.equal(a.s.unwritten, 1);

    await redis.start();
    await until('the held state written', () => a.s.unwritten === 0 && a.seen.infos.length > 0, 15_000);
    await raw.connect();
    assert.equal(JSON.parse((await raw.hget('ocpp-mitm:translation:CP-OPEN', 'state'))!).nextTxInt, 3);
    await a.s.claim('CP-NEW');
    assert.equal(a.s.get('CP-NEW').nextTxInt, 1);
  } finally {
    raw.disconnect();
    await a.s.close();
    await redis.destroy();
  }
});

test('a URL that is not redis:// is refused with a clear error, without its password', () => {
  assert.throws(() => store('http://user:secret@host:6379', 'A'), (err: Error) => {
    assert.match(err.message, /--state must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.doesNotMatch(err.message, /secret/);
    return true;
  });
});
