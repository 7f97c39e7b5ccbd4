/**
 * Station leg: security profiles 1–3 through the real proxy, with real TLS handshakes and ocpp-rpc stations in
 * strict mode, against a plain ws:// CSMS.
 */
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initCertDir, issueStationCert } from '../../src/tls/cert-dir.js';
import { addStationCredential } from '../../src/tls/station-credentials.js';
import { basicAuthHeader } from '../../src/tls/basic-auth.js';
import { connectStation } from '../support/ocpp-peers.js';
import { captureLogger, read, startProxy, startTlsCsms, tempDir, until, type TestTlsCsms } from './helpers.js';

const DAY = 86_400_000;
const BOOT = { chargePointVendor: 'Vendor', chargePointModel: 'Model' };

let tmp: ReturnType<typeof tempDir>;
let certs: string;
let otherCerts: string;
let csms: TestTlsCsms;

const serverArgs = () => [
  '--tls-cert', join(certs, 'server-rsa.pem'), '--tls-key', join(certs, 'server-rsa.key'),
  '--tls-cert', join(certs, 'server-ecdsa.pem'), '--tls-key', join(certs, 'server-ecdsa.key'),
];
const station = (id: string, dir = certs) => ({ cert: read(join(dir, 'stations', `${id}.pem`)), key: read(join(dir, 'stations', `${id}.key`)) });

before(async () => {
  tmp = tempDir();
  certs = join(tmp.dir, 'certs');
  otherCerts = join(tmp.dir, 'other');
  await initCertDir({ dir: certs, keyTypes: ['rsa', 'ecdsa'], hosts: ['localhost', '127.0.0.1'], caKeyType: 'ecdsa' });
  await issueStationCert({ dir: certs, identity: 'CP-1', keyType: 'ecdsa', p12: false });
  await issueStationCert({ dir: certs, identity: 'CP-2', keyType: 'ecdsa', p12: false });
  await issueStationCert({
    dir: certs, identity: 'CP-OLD', keyType: 'ecdsa', p12: false,
    notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY),
  });
  await initCertDir({ dir: otherCerts, keyTypes: ['ecdsa'], hosts: ['localhost'] });
  await issueStationCert({ dir: otherCerts, identity: 'CP-1', keyType: 'ecdsa', p12: false });
  csms = await startTlsCsms();
});

after(async () => {
  await csms?.close();
  tmp?.cleanup();
});

/** Connect, boot, and return the client; the caller closes it. */
async function bootStation(url: string, identity: string, opts: { password?: string; wsOpts?: Record<string, unknown> } = {}) {
  const client = await connectStation({ url, identity, password: opts.password, wsOpts: opts.wsOpts });
  const res = (await client.call('BootNotification', BOOT)) as { status: string };
  assert.equal(res.status, 'Accepted');
  return client;
}

/** The HTTP status (or error code) a failed connection attempt ended with. */
async function refusal(url: string, identity: string, opts: { password?: string; wsOpts?: Record<string, unknown> } = {}): Promise<unknown> {
  try {
    const c = await connectStation({ url, identity, password: opts.password, wsOpts: opts.wsOpts });
    await c.close({ force: true });
  } catch (err) {
    return (err as { code?: unknown }).code ?? (err as Error).message;
  }
  assert.fail(`station ${identity} was accepted`);
}

describe('security profile 1 (ws + Basic auth)', () => {
  test('Basic auth required, user must be the identity, password checked against the credentials file', async () => {
    const log = captureLogger();
    const credFile = join(tmp.dir, 'station-credentials.yaml');
    await addStationCredential(credFile, 'CP-1', 'correct-horse-battery');
    const proxy = await startProxy(['--upstream', csms.url, '--security-profile', '1', '--station-credentials', credFile], log.logger, join(tmp.dir, 'data1'));
    try {
      assert.match(proxy.relay.url, /^ws:\/\//);
      assert.equal(await refusal(proxy.relay.url, 'CP-1'), 401, 'no Authorization header');
      assert.equal(await refusal(proxy.relay.url, 'CP-1', { password: 'wrong-password-123' }), 401, 'wrong password');
      assert.equal(await refusal(proxy.relay.url, 'CP-9', { password: 'correct-horse-battery' }), 401, 'station not in the file');
      const otherUser = { headers: { authorization: basicAuthHeader('CP-2', 'correct-horse-battery') } };
      assert.equal(await refusal(proxy.relay.url, 'CP-1', { wsOpts: otherUser }), 401, 'user name is not the identity');

      const client = await bootStation(proxy.relay.url, 'CP-1', { password: 'correct-horse-battery' });
      const session = proxy.relay.sessions().find((s) => s.identity === 'CP-1');
      assert.equal(session?.securityProfile, 1);
      assert.equal(session?.basicAuthUser, 'CP-1');
      assert.equal(session?.tls, undefined);
      await client.close({ force: true });

      const reasons = log.lines().filter((l) => l.msg === 'station refused').map((l) => l.reason);
      assert.deepEqual(reasons, [
        'security profile 1 requires HTTP Basic auth',
        'wrong Basic-auth password',
        'station not in the credentials file',
        'Basic-auth user name is not the station identity',
      ]);
      assert.ok(!log.text().includes('correct-horse-battery') && !log.text().includes('wrong-password-123'), 'a password reached the log');
    } finally {
      await proxy.stop();
    }
  });
});

describe('security profile 2 (wss + Basic auth)', () => {
  test('RSA-only (TLS_RSA) and ECDSA-only stations each get a certificate they can use; TLS facts reach the session', async () => {
    const log = captureLogger();
    const proxy = await startProxy(['--upstream', csms.url, '--security-profile', '2', ...serverArgs()], log.logger, join(tmp.dir, 'data2'));
    const ca = read(join(certs, 'ca.pem'));
    try {
      assert.match(proxy.relay.url, /^wss:\/\//);
      const cases = [
        { id: 'CP-RSA', ciphers: 'AES128-GCM-SHA256', expect: 'TLS_RSA_WITH_AES_128_GCM_SHA256', key: 'rsa' },
        { id: 'CP-RSA256', ciphers: 'AES256-GCM-SHA384', expect: 'TLS_RSA_WITH_AES_256_GCM_SHA384', key: 'rsa' },
        { id: 'CP-EC', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', expect: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', key: 'ec' },
        { id: 'CP-EC256', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384', expect: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', key: 'ec' },
      ];
      for (const c of cases) {
        let serverKeyType: string | undefined;
        const client = await bootStation(proxy.relay.url, c.id, {
          password: 'some-password-16b',
          wsOpts: {
            ca,
            ciphers: c.ciphers,
            maxVersion: 'TLSv1.2',
            // What the station verified: the proxy's certificate of the right key type.
            checkServerIdentity: (_host: string, cert: { pubkey?: Buffer; asn1Curve?: string; bits?: number }) => {
              serverKeyType = cert.asn1Curve ? 'ec' : 'rsa';
              return undefined;
            },
          },
        });
        const session = proxy.relay.sessions().find((s) => s.identity === c.id);
        assert.equal(session?.tls?.version, 'TLSv1.2', c.id);
        assert.equal(session?.tls?.cipher, c.expect, c.id);
        assert.equal(session?.tls?.clientSubject, undefined);
        assert.equal(session?.securityProfile, 2);
        assert.equal(serverKeyType, c.key, `${c.id} got the ${c.key} certificate`);
        await client.close({ force: true });
      }

      // A modern station: TLS 1.3 by default.
      const modern = await bootStation(proxy.relay.url, 'CP-13', { password: 'some-password-16b', wsOpts: { ca } });
      assert.equal(proxy.relay.sessions().find((s) => s.identity === 'CP-13')?.tls?.version, 'TLSv1.3');
      await modern.close({ force: true });

      assert.equal(await refusal(proxy.relay.url, 'CP-NOAUTH', { wsOpts: { ca } }), 401);
    } finally {
      await proxy.stop();
    }
  });

  test('no shared cipher and TLS 1.1 fail the handshake, and the log says why', async () => {
    const log = captureLogger();
    const proxy = await startProxy(
      ['--upstream', csms.url, '--security-profile', '2', '--tls-cert', join(certs, 'server-ecdsa.pem'), '--tls-key', join(certs, 'server-ecdsa.key')],
      log.logger,
      join(tmp.dir, 'data2b'),
    );
    try {
      const ca = read(join(certs, 'ca.pem'));
      // ECDSA certificate only: a TLS_RSA-only station shares no suite with it.
      const r1 = await refusal(proxy.relay.url, 'CP-RSA', { password: 'x'.repeat(16), wsOpts: { ca, ciphers: 'AES128-GCM-SHA256', maxVersion: 'TLSv1.2' } });
      assert.equal(r1, 'EPROTO', 'the station gets a TLS alert (handshake_failure)');
      await until(() => /no shared cipher/i.test(log.text()), 3000, 'no-shared-cipher log');

      const err = await new Promise<Error>((resolve) => {
        const s = tlsConnect({ host: '127.0.0.1', port: proxy.relay.port, ca, maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
        s.on('secureConnect', () => resolve(new Error('TLS 1.1 accepted')));
        s.on('error', resolve);
      });
      assert.notEqual(err.message, 'TLS 1.1 accepted');
      await until(() => /unsupported protocol|UNSUPPORTED_PROTOCOL|version/i.test(log.text()), 3000, 'TLS version log');
      assert.equal(csms.handshakes.filter((h) => h.identity === 'CP-RSA' && h.password === 'x'.repeat(16)).length, 0);
    } finally {
      await proxy.stop();
    }
  });
});

describe('security profile 3 (wss + client certificate)', () => {
  test('an issued certificate is accepted; its subject reaches the session', async () => {
    const log = captureLogger();
    const proxy = await startProxy(
      ['--upstream', csms.url, '--security-profile', '3', ...serverArgs(), '--tls-client-ca', join(certs, 'ca.pem')],
      log.logger,
      join(tmp.dir, 'data3'),
    );
    const ca = read(join(certs, 'ca.pem'));
    try {
      const client = await bootStation(proxy.relay.url, 'CP-1', { wsOpts: { ca, ...station('CP-1') } });
      const session = proxy.relay.sessions().find((s) => s.identity === 'CP-1');
      assert.match(session?.tls?.clientSubject ?? '', /CN=CP-1/);
      assert.match(session?.tls?.clientIssuer ?? '', /ocpp-mitm local CA/);
      assert.ok(session?.tls?.clientFingerprint);
      assert.equal(session?.securityProfile, 3);
      await client.close({ force: true });

      // CP-1's certificate used by another identity: the CN check refuses it at the HTTP handshake.
      assert.equal(await refusal(proxy.relay.url, 'CP-2', { wsOpts: { ca, ...station('CP-1') } }), 401);
      assert.ok(log.lines().some((l) => l.msg === 'station refused' && l.identity === 'CP-2' && /CN "CP-1"/.test(l.reason)));
    } finally {
      await proxy.stop();
    }
  });

  test('refused at TLS without a certificate, with one from another CA, and with an expired one', async () => {
    const log = captureLogger();
    const proxy = await startProxy(
      ['--upstream', csms.url, '--security-profile', '3', ...serverArgs(), '--tls-client-ca', join(certs, 'ca.pem')],
      log.logger,
      join(tmp.dir, 'data3b'),
    );
    const ca = read(join(certs, 'ca.pem'));
    const seenBefore = csms.handshakes.length;
    try {
      for (const maxVersion of ['TLSv1.2', 'TLSv1.3']) {
        const none = await refusal(proxy.relay.url, 'CP-1', { wsOpts: { ca, maxVersion } });
        const otherCa = await refusal(proxy.relay.url, 'CP-1', { wsOpts: { ca, maxVersion, ...station('CP-1', otherCerts) } });
        const expired = await refusal(proxy.relay.url, 'CP-OLD', { wsOpts: { ca, maxVersion, ...station('CP-OLD') } });
        // A failed TLS handshake (or a reset right after it, TLS 1.3), never an HTTP answer.
        for (const r of [none, otherCa, expired]) assert.ok(typeof r !== 'number', `${maxVersion}: got HTTP ${String(r)} instead of a TLS failure`);
      }
      assert.equal(proxy.relay.sessions().length, 0);
      assert.equal(csms.handshakes.length, seenBefore, 'the CSMS must never be dialled for a refused station');
      await until(() => /certificate/i.test(log.text()), 3000, 'missing-certificate log');
      assert.match(log.text(), /peer did not return a certificate|certificate required/i);
    } finally {
      await proxy.stop();
    }
  });

  test('the log names why a client certificate was refused (expired, unknown CA)', async () => {
    const log = captureLogger();
    const proxy = await startProxy(
      ['--upstream', csms.url, '--security-profile', '3', ...serverArgs(), '--tls-client-ca', join(certs, 'ca.pem')],
      log.logger,
      join(tmp.dir, 'data3c'),
    );
    const ca = read(join(certs, 'ca.pem'));
    try {
      await refusal(proxy.relay.url, 'CP-OLD', { wsOpts: { ca, ...station('CP-OLD') } });
      await refusal(proxy.relay.url, 'CP-1', { wsOpts: { ca, ...station('CP-1', otherCerts) } });
      await until(() => /CERT_HAS_EXPIRED/.test(log.text()) && /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN/.test(log.text()), 2000, 'reasons in log');
    } finally {
      await proxy.stop();
    }
  });

  test('--no-cn-check accepts a certificate whose CN is another identity', async () => {
    const log = captureLogger();
    const proxy = await startProxy(
      ['--upstream', csms.url, '--security-profile', '3', ...serverArgs(), '--tls-client-ca', join(certs, 'ca.pem'), '--no-cn-check'],
      log.logger,
      join(tmp.dir, 'data3d'),
    );
    try {
      const client = await bootStation(proxy.relay.url, 'CP-2', { wsOpts: { ca: read(join(certs, 'ca.pem')), ...station('CP-1') } });
      assert.match(proxy.relay.sessions()[0]?.tls?.clientSubject ?? '', /CN=CP-1/);
      await client.close({ force: true });
    } finally {
      await proxy.stop();
    }
  });

  test('--tls-client-org refuses a certificate of another CPO (A00.FR.404)', async () => {
    const log = captureLogger();
    const args = ['--upstream', csms.url, '--security-profile', '3', ...serverArgs(), '--tls-client-ca', join(certs, 'ca.pem')];
    const proxy = await startProxy([...args, '--tls-client-org', 'Other CPO'], log.logger, join(tmp.dir, 'data3e'));
    const proxyOk = await startProxy([...args, '--tls-client-org', 'ocpp-mitm'], log.logger, join(tmp.dir, 'data3f'));
    const ca = read(join(certs, 'ca.pem'));
    try {
      assert.equal(await refusal(proxy.relay.url, 'CP-1', { wsOpts: { ca, ...station('CP-1') } }), 401);
      assert.ok(log.lines().some((l) => l.msg === 'station refused' && /O "ocpp-mitm" is not the CPO "Other CPO"/.test(l.reason)));
      const client = await bootStation(proxyOk.relay.url, 'CP-1', { wsOpts: { ca, ...station('CP-1') } });
      await client.close({ force: true });
    } finally {
      await proxyOk.stop();
      await proxy.stop();
    }
  });
});
