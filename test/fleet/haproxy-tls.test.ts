/**
 * docker/haproxy-tls.cfg for real: HAProxy in TCP mode in front of 3 proxies that speak wss:// with security
 * profile 3. The TLS session runs from the station to a proxy, so the station's client certificate reaches
 * ocpp-mitm, which requires it; HAProxy's own check speaks TLS with the client certificate the file says to add.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { initCertDir, issueStationCert } from '../../src/tls/index.js';
import { runCli, type CliRun } from '../support/cli-process.js';
import { haproxyInstalled, TestHaproxy } from '../support/haproxy.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { freePort } from '../store/clickhouse-support.js';
import { until as waitUntil } from '../support/until.js';

const until = <T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 20000): Promise<T> => waitUntil(what, check, ms);

test('TCP passthrough: an SP3 station’s client certificate reaches the proxy through HAProxy', { timeout: 120_000 }, async (t) => {
  if (!haproxyInstalled()) return t.skip('haproxy not installed');
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-haproxy-tls-'));
  const certs = join(dir, 'certs');
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const runs: CliRun[] = [];
  let haproxy: TestHaproxy | undefined;
  try {
    await initCertDir({ dir: certs, keyTypes: ['rsa'], hosts: ['localhost', '127.0.0.1'] });
    const station = await issueStationCert({ dir: certs, identity: 'SP3-1', keyType: 'rsa', p12: false });
    const check = await issueStationCert({ dir: certs, identity: 'haproxy-check', keyType: 'rsa', p12: false });
    const checkPem = join(dir, 'haproxy-check.pem');
    await writeFile(checkPem, readFileSync(check.cert, 'utf8') + readFileSync(check.key, 'utf8'));

    const ports = [await freePort(), await freePort(), await freePort()];
    for (const [i, port] of ports.entries()) {
      const run = runCli([
        'start', '--listen', `127.0.0.1:${port}`, '--upstream', csms.url, '--data', join(dir, `p${i}`), '--no-store', '--log-format', 'json',
        '--security-profile', '3', '--tls-cert', join(certs, 'server-rsa.pem'), '--tls-key', join(certs, 'server-rsa.key'), '--tls-client-ca', join(certs, 'ca.pem'),
      ]);
      runs.push(run);
      await run.waitFor(/listening on wss:\/\//, 60_000);
    }
    haproxy = await TestHaproxy.launch(ports, '500ms', { file: 'haproxy-tls.cfg', serverArgs: `crt ${checkPem}` });
    await until('HAProxy’s TLS checks pass on 3 proxies', async () => Object.values(await haproxy!.serverStatus()).filter((s) => s === 'UP').length === 3);

    const url = `wss://localhost:${haproxy.port}/ocpp`;
    const ca = readFileSync(join(certs, 'ca.pem'));
    const client = await connectStation({ url, identity: 'SP3-1', wsOpts: { ca, cert: readFileSync(station.cert), key: readFileSync(station.key) } });
    const boot: any = await client.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot.status, 'Accepted');
    assert.ok(csms.received.some((r) => r.identity === 'SP3-1' && r.method === 'BootNotification'));
    // The proxy that took it saw the certificate (profile 3 refuses a station without one).
    const holder = runs.find((r) => /station SP3-1 connected/.test(r.stdout() + r.stderr()));
    assert.ok(holder, 'one proxy logged the station');
    await client.close({ force: true });

    await assert.rejects(connectStation({ url, identity: 'SP3-1', wsOpts: { ca } }), 'without a client certificate the proxy refuses it, through HAProxy');
  } finally {
    await haproxy?.destroy();
    for (const r of runs) if (r.proc.exitCode === null) r.proc.kill('SIGKILL');
    await csms.close();
    await rm(dir, { recursive: true, force: true });
  }
});
