/**
 * The fleet end to end, with real processes only: HAProxy running docker/haproxy.cfg, 3 `ocpp-mitm start`
 * processes sharing translation state in redis-server and recording into a 2-shard clickhouse-server cluster, and 300 ocpp-rpc
 * stations in strict mode (every 5th speaks 1.6 and is translated to the strict 2.0.1 CSMS).
 *
 * - /metrics of the 3 proxies, parsed as Prometheus text, count exactly the frames the peers sent.
 * - kill -9 of one proxy mid-transaction: its stations are served again through HAProxy within RECONNECT_BOUND_MS,
 *   and a transaction started through it is ended through another proxy with the same ids at the CSMS.
 * - SIGTERM of another: readiness flips at once, its stations leave spread over the drain window, come back elsewhere.
 * - Redis killed for 10 s: open sessions go on, new 1.6 stations (they need state) are refused 503, then accepted.
 * - At the end the store holds every frame the peers logged, once.
 *
 * HAProxy's check interval is shortened to 500 ms (the file says 2 s) to keep the test short; all else is the file's.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { runCli, type CliRun } from '../support/cli-process.js';
import { haproxyInstalled, TestHaproxy } from '../support/haproxy.js';
import { startCsms, type RpcServerClient, type TestCsms } from '../support/ocpp-peers.js';
import { sampleSum, scrape } from '../support/prometheus.js';
import { redisBin, TestRedis } from '../support/redis-server.js';
import { clickhouseBin, freePort } from '../store/clickhouse-support.js';
import { TestCluster } from '../store/clickhouse-cluster-support.js';
import { knock } from '../support/knock.js';
import { until as waitUntil } from '../support/until.js';

const STATIONS = 300;
/** A station of a killed proxy is served again through HAProxy within this (kill to last reconnect). */
const RECONNECT_BOUND_MS = 15_000;
const DRAIN_GRACE_S = 1.5;
const DRAIN_WINDOW_S = 4;

const now = (): string => new Date().toISOString();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const until = <T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 20000): Promise<T> => waitUntil(what, check, ms);

/** Frames as a peer logged them: `${identity}|${direction}|${messageId}|${kind}`. */
const KIND: Record<number, string> = { 2: 'CALL', 3: 'CALLRESULT', 4: 'CALLERROR' };
function frameKey(identity: string, direction: 'to-csms' | 'to-station', text: string): string | undefined {
  try {
    const f = JSON.parse(text) as [number, string];
    return `${identity}|${direction}|${f[1]}|${KIND[f[0]]}`;
  } catch {
    return undefined;
  }
}

class Proxy {
  run: CliRun | undefined;
  constructor(
    readonly name: string,
    readonly port: number,
    readonly metricsPort: number,
    readonly data: string,
    private readonly args: string[],
  ) {}

  async start(): Promise<void> {
    this.run = runCli(['start', '--listen', `127.0.0.1:${this.port}`, '--metrics', `127.0.0.1:${this.metricsPort}`, '--data', this.data, ...this.args]);
    await this.run.waitFor(/listening on ws:\/\//, 60_000);
  }

  /** Stations whose latest connection (in this run of the process) went to this proxy. */
  connectedStations(): Set<string> {
    const out = new Set<string>();
    for (const m of (this.run!.stdout() + this.run!.stderr()).matchAll(/station (\S+) connected/g)) out.add(m[1]!);
    return out;
  }

  readyz = async (): Promise<number> => (await fetch(`http://127.0.0.1:${this.port}/readyz`)).status;
  metrics = () => scrape(`http://127.0.0.1:${this.metricsPort}/metrics`);
}

class Station {
  client: RPCClient | undefined;
  /** Frames this station received (answers, through the proxy). */
  readonly received: string[] = [];
  callsSent = 0;
  closing = false;
  droppedAt = 0;
  dropCode = 0;
  backAt = 0;
  refusals = 0;

  constructor(
    readonly identity: string,
    readonly version: '1.6' | '2.0.1',
    private readonly url: string,
  ) {}

  async connect(deadlineMs = 30_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const c = new RPCClient({ endpoint: this.url, identity: this.identity, protocols: [this.version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1'], strictMode: true, reconnect: false } as never);
      c.on('message', ({ message, outbound }: { message: string; outbound: boolean }) => {
        if (outbound) {
          if (message.startsWith('[2,')) this.callsSent++;
        } else this.received.push(message);
      });
      try {
        await c.connect();
        this.client = c;
        c.once('close', ({ code }: { code: number }) => {
          if (this.closing) return;
          this.droppedAt = Date.now();
          this.dropCode = code;
          this.backAt = 0;
          void this.connect(60_000).then(() => (this.backAt = Date.now()), () => {});
        });
        return;
      } catch {
        this.refusals++;
        if (Date.now() > deadline) throw new Error(`${this.identity}: not served within ${deadlineMs} ms`);
        await sleep(100 + Math.random() * 200);
      }
    }
  }

  boot(): Promise<unknown> {
    return this.version === '1.6'
      ? this.client!.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' })
      : this.client!.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client?.close({ force: true }).catch(() => {});
  }
}


test('a fleet of 3 proxies behind HAProxy: kill -9, drain, Redis outage, metrics, nothing lost', { timeout: 240_000 }, async (t) => {
  if (!haproxyInstalled()) return t.skip('haproxy not installed');
  if (!redisBin()) return t.skip('redis-server not installed');
  if (!clickhouseBin()) return t.skip('clickhouse-server not installed');

  const cleanups: Array<() => Promise<unknown>> = [];
  const stations: Station[] = [];
  const proxies: Proxy[] = [];
  try {
    const redis = (await TestRedis.launch())!;
    cleanups.push(() => redis.destroy());
    // The record: a 2-shard cluster of clickhouse-server; every proxy knows both nodes (and fails over).
    const cluster = (await TestCluster.launch({ shards: 2, replicas: 1 }))!;
    cleanups.push(() => cluster.destroy());
    const ch = cluster.nodes[0]![0]!;
    const csms: TestCsms = await startCsms({ protocols: ['ocpp2.0.1'] });
    cleanups.push(() => csms.close());
    const csmsReceived: string[] = [];
    csms.server.on('client', (c: RpcServerClient) =>
      c.on('message', ({ message, outbound }: { message: string; outbound: boolean }) => {
        if (!outbound) csmsReceived.push(`${c.identity}\u0000${message}`);
      }),
    );

    const base = await mkdtemp(join(tmpdir(), 'ocpp-mitm-fleet-'));
    cleanups.push(() => rm(base, { recursive: true, force: true }));
    const common = ['--upstream', csms.url, '--upstream-protocol', 'ocpp2.0.1', '--state', redis.url, '--clickhouse', cluster.urls('fleet'), '--clickhouse-cluster', 'ocpp', '--store-flush-ms', '200'];
    const drain = ['--drain-grace', String(DRAIN_GRACE_S), '--drain-seconds', String(DRAIN_WINDOW_S), '--log-format', 'json'];
    for (let i = 1; i <= 3; i++) proxies.push(new Proxy(`ocpp-mitm-${i}`, await freePort(), await freePort(), join(base, `p${i}`), [...common, ...drain]));
    await Promise.all(proxies.map((p) => p.start()));
    cleanups.push(async () => {
      for (const p of proxies) if (p.run && p.run.proc.exitCode === null) p.run.proc.kill('SIGKILL');
    });
    const haproxy = await TestHaproxy.launch(proxies.map((p) => p.port), '500ms');
    cleanups.push(() => haproxy.destroy());
    await until('HAProxy sees 3 proxies up', async () => Object.values(await haproxy.serverStatus()).filter((s) => s === 'UP').length === 3);

    // ---- 300 stations through HAProxy ------------------------------------------------------------------------
    const url = `${haproxy.url}/ocpp`;
    for (let i = 0; i < STATIONS; i++) stations.push(new Station(`F-${String(i).padStart(4, '0')}`, i % 5 === 0 ? '1.6' : '2.0.1', url));
    for (let i = 0; i < STATIONS; i += 50) {
      await Promise.all(
        stations.slice(i, i + 50).map(async (s) => {
          await s.connect();
          await s.boot();
          await s.client!.call('Heartbeat', {});
        }),
      );
    }
    const spread = proxies.map((p) => p.connectedStations().size);
    t.diagnostic(`stations per proxy after the boot: ${spread.join(', ')}`);
    assert.equal(spread.reduce((a, b) => a + b, 0), STATIONS);
    assert.ok(spread.every((n) => n > STATIONS / 10), 'the hash spreads stations over all 3 proxies');

    // ---- /metrics: counters match the frames the peers sent ----------------------------------------------------
    const sent = stations.reduce((a, s) => a + s.callsSent, 0);
    const answered = stations.reduce((a, s) => a + s.received.length, 0);
    const total = async (labels: Record<string, string>): Promise<number> => (await Promise.all(proxies.map((p) => p.metrics()))).reduce((a, f) => a + sampleSum(f, 'ocpp_mitm_frames_total', labels), 0);
    await until('every frame counted', async () => (await total({ direction: 'to-station', origin: 'wire' })) >= answered);
    assert.equal(await total({ direction: 'to-csms', type: 'CALL', origin: 'wire' }), sent);
    assert.equal(await total({ direction: 'to-station', type: 'CALLRESULT', origin: 'wire' }), answered);
    const fams = await Promise.all(proxies.map((p) => p.metrics()));
    assert.equal(fams.reduce((a, f) => a + sampleSum(f, 'ocpp_mitm_sessions_open'), 0), STATIONS);
    assert.equal(fams.reduce((a, f) => a + sampleSum(f, 'ocpp_mitm_sessions_open', { version: '1.6' }), 0), STATIONS / 5);

    // ---- kill -9 mid-transaction -------------------------------------------------------------------------------
    const victim = proxies[0]!;
    const onVictim = victim.connectedStations();
    const txStation = stations.find((s) => s.version === '1.6' && onVictim.has(s.identity))!;
    assert.ok(txStation, 'a 1.6 station landed on the first proxy');
    const start: any = await txStation.client!.call('StartTransaction', { connectorId: 1, idTag: 'TAG-1', meterStart: 0, timestamp: now() });
    // Load while it dies: every station sends a Heartbeat every ~3 s.
    let loading = true;
    const load = Promise.all(
      stations.map(async (s) => {
        await sleep(Math.random() * 3000);
        while (loading) {
          await s.client?.call('Heartbeat', {}).catch(() => {});
          await sleep(3000);
        }
      }),
    );
    await sleep(2000);
    const killedAt = Date.now();
    victim.run!.proc.kill('SIGKILL');
    await victim.run!.exited;
    const dropped = () => stations.filter((s) => s.droppedAt >= killedAt);
    await until('the killed proxy’s stations dropped', () => dropped().length === onVictim.size, 10_000);
    await until('every station of the killed proxy served again', () => dropped().every((s) => s.backAt > 0), RECONNECT_BOUND_MS + 10_000);
    const back = Math.max(...dropped().map((s) => s.backAt)) - killedAt;
    t.diagnostic(`kill -9: ${onVictim.size} stations served again through HAProxy within ${back} ms`);
    assert.ok(back <= RECONNECT_BOUND_MS, `served again within ${RECONNECT_BOUND_MS} ms (took ${back})`);
    await txStation.client!.call('StopTransaction', { transactionId: start.transactionId, meterStop: 500, timestamp: now() });
    const txEvents = csms.received.filter((r) => r.identity === txStation.identity && r.method === 'TransactionEvent').map((r) => r.params);
    assert.deepEqual([txEvents[0].eventType, txEvents.at(-1).eventType], ['Started', 'Ended']);
    assert.equal(txEvents.at(-1).transactionInfo.transactionId, txEvents[0].transactionInfo.transactionId, 'the same transaction at the CSMS');
    assert.deepEqual(txEvents.map((e) => e.seqNo), txEvents.map((_e, i) => i), 'seqNo continues across proxies');

    // ---- SIGTERM: drain ----------------------------------------------------------------------------------------
    const drained = proxies[1]!;
    const onDrained = drained.connectedStations();
    const termAt = Date.now();
    drained.run!.proc.kill('SIGTERM');
    await until('readiness flips', async () => (await drained.readyz()) === 503, 2000);
    const leaving = () => stations.filter((s) => s.droppedAt >= termAt);
    const { code } = await drained.run!.exited;
    assert.equal(code, 0, 'the drained proxy exits 0');
    await until('the drained stations back', () => leaving().length > 0 && leaving().every((s) => s.backAt > 0), 30_000);
    const left = leaving();
    assert.equal(left.length, onDrained.size, 'every station on the drained proxy left, no other');
    assert.ok(left.every((s) => s.dropCode === 1001), 'closed with 1001 going away');
    const times = left.map((s) => s.droppedAt);
    const span = Math.max(...times) - Math.min(...times);
    assert.ok(Math.min(...times) - termAt >= DRAIN_GRACE_S * 1000 - 100, 'nobody leaves during the grace');
    assert.ok(span >= DRAIN_WINDOW_S * 1000 * 0.6, `spread over the drain window (${span} ms first to last)`);
    t.diagnostic(`drain: ${left.length} stations left over ${span} ms and came back elsewhere`);

    // ---- the killed proxy comes back (same data folder) ---------------------------------------------------------
    await victim.start();
    await until('HAProxy sees it up again', async () => (await haproxy.serverStatus())['ocpp-mitm-1'] === 'UP');

    // ---- Redis down for 10 s ------------------------------------------------------------------------------------
    const redisDownAt = Date.now();
    await redis.kill();
    const open16 = stations.filter((s) => s.version === '1.6').slice(0, 5);
    for (const s of open16) await s.client!.call('Heartbeat', {});
    for (const s of open16) await s.client!.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: now() });
    assert.equal(await knock(`${url}/NEW-16-A`, 'ocpp1.6'), 503, 'a new 1.6 station needs state: refused');
    assert.equal(await knock(`${url}/NEW-201-A`, 'ocpp2.0.1'), 101, 'a 2.0.1 station needs none: accepted');
    await sleep(Math.max(0, 10_000 - (Date.now() - redisDownAt)));
    await redis.start();
    await until('new 1.6 stations accepted again', async () => (await knock(`${url}/NEW-16-A`, 'ocpp1.6')) === 101, 15_000);
    const late = new Station('NEW-16-B', '1.6', url);
    stations.push(late);
    await late.connect();
    await late.boot();

    loading = false;
    await load;

    // ---- stop; the record ---------------------------------------------------------------------------------------
    for (const s of stations) await s.close();
    for (const p of [proxies[0]!, proxies[2]!]) {
      p.run!.proc.kill('SIGINT');
      assert.equal((await p.run!.exited).code, 0);
    }
    const expected = new Set<string>();
    for (const s of stations) for (const m of s.received) expected.add(frameKey(s.identity, 'to-station', m)!);
    for (const line of csmsReceived) {
      const [identity, text] = line.split('\u0000') as [string, string];
      expected.add(frameKey(identity, 'to-csms', text)!);
    }
    // Through the Distributed table: both shards' rows.
    const rows = await ch.query("SELECT identity, direction, message_id, kind, count() FROM fleet.frames WHERE origin = 'wire' GROUP BY identity, direction, message_id, kind FORMAT TabSeparated");
    const stored = new Map<string, number>();
    for (const line of rows.split('\n').filter(Boolean)) {
      const [identity, direction, id, kind, n] = line.split('\t');
      stored.set(`${identity}|${direction}|${id}|${kind}`, Number(n));
    }
    const lost = [...expected].filter((k) => !stored.has(k));
    const duplicated = [...expected].filter((k) => (stored.get(k) ?? 0) > 1);
    t.diagnostic(`record: ${expected.size} frames logged by the peers, ${lost.length} lost, ${duplicated.length} duplicated`);
    assert.deepEqual(duplicated, [], '0 duplicated');
    // The killed proxy's frames included: a frame leaves a proxy only after its row is in the write-ahead log.
    assert.deepEqual(lost.slice(0, 10), [], `0 lost (${lost.length} lost)`);
    // `report` over the store lists every station (each has the CSMS's response-time KPI).
    const report = runCli(['report', '--clickhouse', cluster.urls('fleet'), '--format', 'json']);
    assert.equal((await report.exited).code, 0, report.stderr());
    const reported = new Set((JSON.parse(report.stdout()) as Array<{ station: string }>).map((r) => r.station));
    const missing = stations.filter((s) => !reported.has(s.identity)).map((s) => s.identity);
    assert.deepEqual(missing, [], 'report lists every station');
    // Sharded by station: both shards hold some of the fleet's frames, and no station is split between them.
    const perShard = await Promise.all(cluster.nodes.map((row) => row[0]!.query("SELECT arrayStringConcat(groupUniqArray(identity), ',') FROM fleet.frames_local")));
    const sets = perShard.map((l) => new Set(l.trim().split(',').filter(Boolean)));
    assert.ok(sets.every((x) => x.size > 0), `both shards hold stations (${sets.map((x) => x.size).join(' + ')})`);
    assert.deepEqual([...sets[0]!].filter((id) => sets[1]!.has(id)), [], 'no station on two shards');
  } catch (err) {
    // What the proxies said last, to tell a crash from a refusal.
    for (const p of proxies) {
      const tail = ((p.run?.stdout() ?? '') + (p.run?.stderr() ?? '')).split('\n').filter((l) => l && !/ connected"|refused station/.test(l)).slice(-6);
      t.diagnostic(`${p.name} (exit ${p.run?.proc.exitCode}):\n${tail.join('\n')}`);
    }
    throw err;
  } finally {
    for (const s of stations) await s.close();
    for (const c of cleanups.reverse()) await c().catch(() => {});
  }
});
