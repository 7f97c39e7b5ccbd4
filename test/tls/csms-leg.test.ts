/**
 * CSMS leg: verification of the CSMS certificate, a client certificate per station toward the CSMS, Basic-auth
 * rewriting, and what reaches the log. Real wss:// CSMSs (ocpp-rpc behind https) that record each handshake.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initCertDir, issueStationCert } from '../../src/tls/cert-dir.js';
import { basicAuthHeader } from '../../src/tls/basic-auth.js';
import { connectStation } from '../support/ocpp-peers.js';
import { captureLogger, read, startProxy, startTlsCsms, tempDir, type TestTlsCsms } from './helpers.js';

const BOOT = { chargePointVendor: 'Vendor', chargePointModel: 'Model' };
const STATION_PASSWORD = 'station-own-password-1';
const CSMS_PASSWORD = 'csms-side-secret-A';

let tmp: ReturnType<typeof tempDir>;
let csmsPki: string;
let proxyPki: string;
let csms: TestTlsCsms;
let wrongNameCsms: TestTlsCsms;
/** Everything every proxy in this file logged, for the "no secrets in the log" check. */
const allLogs: string[] = [];

before(async () => {
  tmp = tempDir();
  csmsPki = join(tmp.dir, 'csms');
  proxyPki = join(tmp.dir, 'proxy-client');
  await initCertDir({ dir: csmsPki, keyTypes: ['ecdsa'], hosts: ['localhost', '127.0.0.1'] });
  await initCertDir({ dir: join(tmp.dir, 'wrong-name'), keyTypes: ['ecdsa'], hosts: ['csms.example.com'] });
  // The CA the CSMS trusts for client certificates; the proxy presents certificates it issued.
  await initCertDir({ dir: proxyPki, keyTypes: ['ecdsa'], hosts: ['localhost'] });
  for (const id of ['CP-A', 'group-B', 'proxy-default']) await issueStationCert({ dir: proxyPki, identity: id, keyType: 'ecdsa', p12: false });
  const clientCa = read(join(proxyPki, 'ca.pem'));
  csms = await startTlsCsms({ tls: { cert: read(join(csmsPki, 'server-ecdsa.pem')), key: read(join(csmsPki, 'server-ecdsa.key')), clientCa } });
  const wn = join(tmp.dir, 'wrong-name');
  wrongNameCsms = await startTlsCsms({ tls: { cert: read(join(wn, 'server-ecdsa.pem')), key: read(join(wn, 'server-ecdsa.key')) } });
});

after(async () => {
  await csms?.close();
  await wrongNameCsms?.close();
  tmp?.cleanup();
});

async function withProxy(args: string[], fn: (url: string, log: ReturnType<typeof captureLogger>) => Promise<void>): Promise<void> {
  const log = captureLogger();
  const proxy = await startProxy(args, log.logger, join(tmp.dir, `data-${allLogs.length}`));
  try {
    await fn(proxy.relay.url, log);
  } finally {
    await proxy.stop();
    allLogs.push(log.text());
  }
}

async function boot(url: string, identity: string): Promise<void> {
  const client = await connectStation({ url, identity, password: STATION_PASSWORD });
  try {
    const res = (await client.call('BootNotification', BOOT)) as { status: string };
    assert.equal(res.status, 'Accepted');
  } finally {
    await client.close({ force: true });
  }
}

async function refusedWith(url: string, identity: string): Promise<unknown> {
  try {
    const c = await connectStation({ url, identity, password: STATION_PASSWORD });
    await c.close({ force: true });
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  assert.fail(`${identity} was accepted`);
}

describe('CSMS certificate verification', () => {
  test('an untrusted CSMS certificate: the station gets 502 and the log names the reason', async () => {
    const seen = csms.handshakes.length;
    await withProxy(['--upstream', csms.url], async (url, log) => {
      assert.equal(await refusedWith(url, 'CP-V1'), 502);
      const warn = log.lines().find((l) => l.msg === 'CSMS TLS failure');
      assert.equal(warn?.identity, 'CP-V1');
      assert.match(warn?.reason, /^CSMS certificate: .+ \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/);
      // The relay's own refusal line carries the same words.
      assert.ok(log.lines().some((l) => /refused/.test(l.msg) && l.msg.includes(warn.reason)), 'relay log lacks the reason');
    });
    assert.equal(csms.handshakes.length, seen, 'no WebSocket request may reach an unverified CSMS');
  });

  test('a CSMS certificate for another name: 502, "name mismatch"', async () => {
    await withProxy(['--upstream', wrongNameCsms.url, '--upstream-ca', join(tmp.dir, 'wrong-name', 'ca.pem')], async (url, log) => {
      assert.equal(await refusedWith(url, 'CP-V2'), 502);
      const warn = log.lines().find((l) => l.msg === 'CSMS TLS failure');
      assert.equal(warn?.reason, 'CSMS certificate: name mismatch: 127.0.0.1 is not a name of the certificate (DNS:csms.example.com) (ERR_TLS_CERT_ALTNAME_INVALID)');
    });
  });

  test('--upstream-ca makes it trusted; --upstream-insecure skips the check with a loud warning', async () => {
    await withProxy(['--upstream', csms.url, '--upstream-ca', join(csmsPki, 'ca.pem')], async (url) => {
      await boot(url, 'CP-V3');
    });
    await withProxy(['--upstream', csms.url, '--upstream-insecure'], async (url, log) => {
      assert.ok(log.lines().some((l) => l.level === 40 && /NOT verified/.test(l.msg)), 'no loud warning at start');
      await boot(url, 'CP-V4');
    });
    assert.ok(csms.handshakes.some((h) => h.identity === 'CP-V3') && csms.handshakes.some((h) => h.identity === 'CP-V4'));
  });
});

describe('client certificates toward the CSMS', () => {
  test('per-station glob table, then the default certificate; the CSMS sees the chosen CN', async () => {
    const table = join(proxyPki, 'upstream-client-certs.yaml');
    writeFileSync(
      table,
      [
        '# identity glob → certificate the proxy presents (paths relative to this file)',
        'CP-A: { cert: stations/CP-A.pem, key: stations/CP-A.key }',
        '"CP-B*": { cert: stations/group-B.pem, key: stations/group-B.key }',
        '',
      ].join('\n'),
    );
    const args = [
      '--upstream', csms.url, '--upstream-ca', join(csmsPki, 'ca.pem'),
      '--upstream-client-certs', table,
      '--upstream-cert', join(proxyPki, 'stations', 'proxy-default.pem'), '--upstream-key', join(proxyPki, 'stations', 'proxy-default.key'),
    ];
    await withProxy(args, async (url) => {
      for (const id of ['CP-A', 'CP-B7', 'CP-Z']) await boot(url, id);
    });
    const cn = (id: string) => csms.handshakes.find((h) => h.identity === id);
    assert.equal(cn('CP-A')?.clientCn, 'CP-A');
    assert.equal(cn('CP-B7')?.clientCn, 'group-B');
    assert.equal(cn('CP-Z')?.clientCn, 'proxy-default');
    for (const id of ['CP-A', 'CP-B7', 'CP-Z']) assert.equal(cn(id)?.clientAuthorized, true, `${id}: CSMS could not verify the client certificate`);
  });

  test('a CSMS that requires a client certificate we lack: 502 and the reason', async () => {
    const strict = await startTlsCsms({
      tls: { cert: read(join(csmsPki, 'server-ecdsa.pem')), key: read(join(csmsPki, 'server-ecdsa.key')), clientCa: read(join(proxyPki, 'ca.pem')), requireClientCert: true },
    });
    try {
      await withProxy(['--upstream', strict.url, '--upstream-ca', join(csmsPki, 'ca.pem')], async (url, log) => {
        assert.equal(await refusedWith(url, 'CP-NOCERT'), 502);
        const warn = log.lines().find((l) => l.msg === 'CSMS TLS failure');
        assert.equal(warn?.identity, 'CP-NOCERT');
        assert.match(warn?.reason, /^CSMS TLS handshake: the peer requires a client certificate: .*\(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\)$/);
      });
      assert.equal(strict.handshakes.length, 0);
    } finally {
      await strict.close();
    }
  });
});

describe('Basic-auth credentials toward the CSMS', () => {
  test('rewritten per station (text and hex passwords); stations without an entry pass theirs through', async () => {
    const file = join(tmp.dir, 'upstream-credentials.yaml');
    writeFileSync(file, [`CP-R1: { user: csms-user-1, password: ${CSMS_PASSWORD} }`, '"CP-H*": { passwordHex: "00ff10" }', ''].join('\n'), { mode: 0o600 });
    await withProxy(['--upstream', csms.url, '--upstream-ca', join(csmsPki, 'ca.pem'), '--upstream-credentials', file], async (url) => {
      for (const id of ['CP-R1', 'CP-H1', 'CP-PASS']) await boot(url, id);
    });
    const hs = (id: string) => csms.handshakes.find((h) => h.identity === id);
    assert.equal(hs('CP-R1')?.authorization, basicAuthHeader('csms-user-1', CSMS_PASSWORD));
    assert.equal(hs('CP-H1')?.authorization, basicAuthHeader('CP-H1', Buffer.from([0x00, 0xff, 0x10])));
    assert.equal(hs('CP-PASS')?.authorization, basicAuthHeader('CP-PASS', STATION_PASSWORD));
  });
});

describe('logs', () => {
  test('no password, Authorization value or private key in anything the proxies logged', () => {
    const text = allLogs.join('\n');
    assert.ok(text.length > 1000, 'too little log to judge');
    const keyBody = (file: string) => read(file).toString('utf8').split('\n')[1]!;
    const forbidden = [
      STATION_PASSWORD,
      CSMS_PASSWORD,
      Buffer.from(`CP-R1:${STATION_PASSWORD}`).toString('base64'),
      basicAuthHeader('csms-user-1', CSMS_PASSWORD),
      'PRIVATE KEY',
      keyBody(join(proxyPki, 'stations', 'CP-A.key')),
      keyBody(join(proxyPki, 'stations', 'proxy-default.key')),
    ];
    for (const f of forbidden) assert.ok(!text.includes(f), `log contains a secret (${f.slice(0, 6)}…)`);
  });
});
