/**
 * Test support for the recording-under-load tests: proxy processes (test/store/fixtures/wal-proxy.ts) that print
 * their store counters, ocpp-rpc stations calling in a loop, and what the peers logged compared with the store.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RPCClient } from 'ocpp-rpc';
import type { StoreBackend } from '../../src/store/backend.js';
import type { StoreStats } from '../../src/store/writer.js';
import { connectStation, type RpcServerClient, type TestCsms } from '../support/ocpp-peers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/wal-proxy.ts', import.meta.url));
export const STATIONS = 20;
const KINDS: Record<number, string> = { 2: 'CALL', 3: 'CALLRESULT', 4: 'CALLERROR' };

/** Frames as the peers logged them: `identity|direction|kind|messageId` → how often. */
export class PeerLog {
  readonly seen = new Map<string, number>();
  add(identity: string, direction: string, message: unknown): void {
    const f = JSON.parse(String(message)) as [number, string];
    const key = `${identity}|${direction}|${KINDS[f[0]]}|${f[1]}`;
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
  }
}

export class ProxyProcess {
  latest: StoreStats | undefined;
  url = '';
  private constructor(readonly child: ChildProcess) {}

  static async spawn(upstream: string, dataDir: string, clickhouse = '', cluster = ''): Promise<ProxyProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, upstream, dataDir, clickhouse, cluster], { stdio: ['ignore', 'pipe', 'inherit'] });
    const p = new ProxyProcess(child);
    const rl = createInterface({ input: child.stdout! });
    const first = new Promise<void>((resolve, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`the proxy exited (${code ?? signal}) before it listened`)));
      rl.on('line', (line) => {
        const o = JSON.parse(line) as { url?: string } & StoreStats;
        if (o.url) {
          p.url = o.url;
          resolve();
        } else p.latest = o;
      });
    });
    await first;
    return p;
  }

  /** SIGTERM: a clean stop (the store writes what it holds). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** 20 stations calling in a loop (~15 CALL/s each) until stopped; every frame they read is logged. */
export async function runStations(url: string, log: PeerLog, prefix = 'CP-', count = STATIONS): Promise<{ stations: RPCClient[]; stop: () => Promise<void>; calls: () => number }> {
  const stations: RPCClient[] = [];
  let running = true;
  let calls = 0;
  const loops: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const identity = `${prefix}${String(i).padStart(2, '0')}`;
    const st = await connectStation({ url: `${url}/ocpp/`, identity });
    st.on('message', ({ message, outbound }: { message: unknown; outbound: boolean }) => {
      if (!outbound) log.add(identity, 'to-station', message);
    });
    stations.push(st);
    loops.push(
      (async () => {
        for (let n = 0; running; n++) {
          try {
            if (n % 3 === 0) await st.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
            else await st.call('Heartbeat', {});
            calls++;
          } catch {
            return; // the proxy is gone
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
    );
  }
  return {
    stations,
    calls: () => calls,
    // Calls in flight finish first: a station that hung up on its last answer would not log a frame the proxy relayed.
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await Promise.all(stations.map((s) => s.close({ force: true }).catch(() => undefined)));
    },
  };
}

export function logCsms(csms: TestCsms, log: PeerLog): void {
  csms.server.on('client', (client: RpcServerClient) => {
    client.on('message', ({ message, outbound }: { message: unknown; outbound: boolean }) => {
      if (!outbound) log.add(client.identity, 'to-csms', message);
    });
  });
}

/** The store's frames, `identity|direction|kind|messageId` → rows. */
export async function storedFrames(be: StoreBackend): Promise<Map<string, number>> {
  const rows = await be.query<{ k: string; n: number | string }>(
    "SELECT concat(identity, '|', direction, '|', kind, '|', message_id) AS k, count() AS n FROM frames GROUP BY k",
  );
  return new Map(rows.map((r) => [r.k, Number(r.n)]));
}

export function assertExactlyOnce(stored: Map<string, number>, log: PeerLog): void {
  const lost = [...log.seen.keys()].filter((k) => !stored.has(k));
  const extra = [...stored.keys()].filter((k) => !log.seen.has(k));
  const twice = [...stored].filter(([, n]) => n > 1).map(([k]) => k);
  assert.ok(log.seen.size > 500, `the peers logged ${log.seen.size} frames: enough load to mean something`);
  assert.deepEqual({ lost: lost.slice(0, 5), lostCount: lost.length }, { lost: [], lostCount: 0 }, 'frames the peers logged are all in the store');
  assert.deepEqual({ twice: twice.slice(0, 5), twiceCount: twice.length }, { twice: [], twiceCount: 0 }, 'no frame is stored twice');
  assert.deepEqual(extra.slice(0, 5), [], 'no frame in the store that no peer logged');
}

