/**
 * Lossless recording through a crash: a real proxy process records 20 ocpp-rpc stations at a few hundred CALL/s and
 * is killed with SIGKILL; a new start on the same data folder replays its write-ahead log. Every frame the peers
 * logged is then in the store exactly once: on chDB, on clickhouse-server, and with the kill landing while an
 * INSERT is in flight (it reached ClickHouse, the proxy never learnt it did), on both.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { startRelay } from '../../src/core/relay.js';
import type { StoreBackend } from '../../src/store/backend.js';
import { openChdb } from '../../src/store/chdb-backend.js';
import { parseClickhouseTarget } from '../../src/store/clickhouse-url.js';
import { openServer } from '../../src/store/server-backend.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { chdbDir, walDir } from '../../src/store/store-paths.js';
import type { StoreStats } from '../../src/store/writer.js';
import { startCsms } from '../support/ocpp-peers.js';
import { assertExactlyOnce, logCsms, PeerLog, ProxyProcess, runStations, STATIONS, storedFrames } from './recording-load.js';
import { SKIP_MESSAGE, TestClickhouse, tempDir, waitFor } from './clickhouse-support.js';

/** A new start on the same folder (in this process): it replays the log; stopped once the log is empty. */
async function restartAndReplay(upstream: string, dataDir: string, clickhouse?: string): Promise<StoreStats> {
  const store = createStoreAddon({ clickhouse, flushMs: 50 });
  const relay = await startRelay({ upstream, dataDir, addons: [store] });
  try {
    await waitFor('the write-ahead log replayed', () => store.stats().spooled === 0 && store.stats().state === 'up', 60_000);
    return store.stats();
  } finally {
    await relay.close();
  }
}

const server = await TestClickhouse.launch();
after(async () => {
  await server?.destroy();
});

async function killUnderLoad(clickhouse: string | undefined, open: (dataDir: string) => Promise<StoreBackend>): Promise<void> {
  const dataDir = await tempDir();
  const log = new PeerLog();
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  logCsms(csms, log);
  const proxy = await ProxyProcess.spawn(csms.url, dataDir, clickhouse);
  let load: Awaited<ReturnType<typeof runStations>> | undefined;
  try {
    load = await runStations(proxy.url, log);
    // Recording for a while: some batches are in ClickHouse (the log was trimmed), the newest are not.
    await waitFor('rows written and more waiting', () => (proxy.latest?.written ?? 0) > 300 && load!.calls() > 600, 30_000);
    const before = proxy.latest!;
    await proxy.kill();
    assert.equal(before.lost, 0);
    await load.stop();
    assert.ok(readdirSync(walDir(dataDir)).some((f) => f.endsWith('.wal')), 'the killed proxy left its write-ahead log');
    const stats = await restartAndReplay(csms.url, dataDir, clickhouse);
    assert.ok(stats.replayed > 0, 'the next start replayed rows the killed proxy had not inserted');
    assert.equal(stats.lost, 0);
    const be = await open(dataDir);
    try {
      assertExactlyOnce(await storedFrames(be), log);
      const sessions = await be.query<{ n: number | string }>("SELECT count() AS n FROM sessions WHERE event = 'open'");
      assert.equal(Number(sessions[0]!.n), STATIONS, 'one open row per station');
    } finally {
      await be.close();
    }
    assert.deepEqual(readdirSync(walDir(dataDir)).filter((f) => f.endsWith('.wal')), [], 'the log is trimmed once its rows are in');
  } finally {
    await proxy.kill();
    await load?.stop();
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe('kill -9 under load, then a restart on the same data folder', () => {
  it('chDB: every frame the peers logged is stored once', { timeout: 180_000 }, async () => {
    await killUnderLoad(undefined, (dataDir) => openChdb(chdbDir(dataDir)));
  });

  it('chDB: a kill while an INSERT is in flight (the helper runs it after the proxy died): stored once', { timeout: 180_000 }, async () => {
    const dataDir = await tempDir();
    const log = new PeerLog();
    const csms = await startCsms({ protocols: ['ocpp1.6'] });
    logCsms(csms, log);
    const proxy = await ProxyProcess.spawn(csms.url, dataDir);
    let load: Awaited<ReturnType<typeof runStations>> | undefined;
    let helper = 0;
    try {
      load = await runStations(proxy.url, log);
      await waitFor('rows written', () => (proxy.latest?.written ?? 0) > 300, 30_000);
      // The chDB helper is the proxy's child: stopped, it keeps the next INSERT unanswered in its channel.
      helper = Number(readFileSync(`/proc/${proxy.child.pid}/task/${proxy.child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      process.kill(helper, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, 300)); // an answer already on its way still arrives
      const before = proxy.latest!.written;
      await new Promise((r) => setTimeout(r, 1500)); // past --store-flush-ms: an INSERT was sent
      assert.equal(proxy.latest!.written, before, 'nothing acknowledged while the helper is stopped');
      await proxy.kill();
      process.kill(helper, 'SIGCONT'); // it reads the INSERT, then finds its proxy gone
      await load.stop();
      await waitFor('the helper gone', () => !existsSync(`/proc/${helper}`) || readFileSync(`/proc/${helper}/stat`, 'utf8').split(' ')[2] === 'Z', 30_000);
      const stats = await restartAndReplay(csms.url, dataDir);
      const be = await openChdb(chdbDir(dataDir));
      try {
        assertExactlyOnce(await storedFrames(be), log);
      } finally {
        await be.close();
      }
      assert.ok(stats.duplicatesSkipped > 0, 'the helper ran the INSERT after its proxy died: the replay found those rows stored');
    } finally {
      if (helper && existsSync(`/proc/${helper}`)) process.kill(helper, 'SIGCONT');
      await proxy.kill();
      await load?.stop();
      await csms.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('clickhouse-server: every frame the peers logged is stored once', { skip: server ? undefined : SKIP_MESSAGE, timeout: 180_000 }, async () => {
    const url = `${server!.url}/walkill`;
    await killUnderLoad(url, () => openServer(parseClickhouseTarget({ clickhouse: url })));
  });

  it('a kill landing during an INSERT that reached ClickHouse: replayed rows are not stored twice', { skip: server ? undefined : SKIP_MESSAGE, timeout: 180_000 }, async () => {
    const url = `${server!.url}/walinsert`;
    const dataDir = await tempDir();
    const log = new PeerLog();
    const csms = await startCsms({ protocols: ['ocpp1.6'] });
    logCsms(csms, log);
    // Between proxy and server: once armed, the next INSERT into frames is passed on, and when the server has
    // answered it (the rows are in), the proxy is killed before it hears the answer.
    let armed = false;
    let proxy: ProxyProcess | undefined;
    let landed = 0;
    const target = new URL(server!.url);
    const fwd: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const killNow = armed && /INSERT(%20|\+| )INTO(%20|\+| )frames/i.test(req.url ?? '');
        if (killNow) armed = false;
        const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up: IncomingMessage) => {
          const back: Buffer[] = [];
          up.on('data', (c: Buffer) => back.push(c));
          up.on('end', () => {
            if (killNow && up.statusCode === 200) {
              landed = body.toString('utf8').split('\n').filter(Boolean).length;
              void proxy!.kill().then(() => res.destroy());
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(back));
          });
        });
        out.on('error', () => res.destroy());
        out.end(body);
      });
    });
    fwd.listen(0, '127.0.0.1');
    await once(fwd, 'listening');
    const fwdUrl = `http://127.0.0.1:${(fwd.address() as { port: number }).port}/walinsert`;
    let load: Awaited<ReturnType<typeof runStations>> | undefined;
    try {
      proxy = await ProxyProcess.spawn(csms.url, dataDir, fwdUrl);
      load = await runStations(proxy.url, log);
      await waitFor('rows written', () => (proxy!.latest?.written ?? 0) > 300, 30_000);
      armed = true;
      await waitFor('the proxy killed during an INSERT', () => proxy!.child.signalCode === 'SIGKILL', 30_000);
      await load.stop();
      assert.ok(landed > 0, 'the INSERT the kill interrupted had reached ClickHouse');
      const stats = await restartAndReplay(csms.url, dataDir, url);
      assert.ok(stats.duplicatesSkipped >= landed, `the replay found the ${landed} rows of the interrupted INSERT already stored (skipped ${stats.duplicatesSkipped})`);
      const be = await openServer(parseClickhouseTarget({ clickhouse: url }));
      try {
        assertExactlyOnce(await storedFrames(be), log);
      } finally {
        await be.close();
      }
    } finally {
      await proxy?.kill();
      await load?.stop();
      fwd.closeAllConnections();
      fwd.close();
      await csms.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
