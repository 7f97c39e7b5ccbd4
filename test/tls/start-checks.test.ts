/**
 * TLS files checked at start, naming the files, rather than failing every handshake later: a key of another type
 * than its certificate (OpenSSL accepts the pair; handshakes then fail with "no suitable signature algorithm"), a
 * listener certificate not valid yet (a warning), a CA file that holds no CA. A PKI made with the project's tooling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { initCertDir, issueStationCert, loadCa, stationPaths } from '../../src/tls/cert-dir.js';
import { issueServerCert } from '../../src/tls/issue.js';
import { buildListenerTls } from '../../src/tls/listener-tls.js';
import { parseTlsConfig } from '../../src/tls/options.js';
import { upstreamTlsAddon } from '../../src/tls/upstream-tls.js';
import { captureLogger, read, tempDir } from './helpers.js';

const DAY = 86_400_000;

test('TLS files at start: mismatched key type, not-yet-valid certificate, a CA file without a CA', async () => {
  const tmp = tempDir();
  try {
    const dir = join(tmp.dir, 'pki');
    await initCertDir({ dir, keyTypes: ['ecdsa', 'rsa'], hosts: ['localhost'] });

    // An RSA certificate with the ECDSA key: OpenSSL itself takes the pair.
    const rsaCert = join(dir, 'server-rsa.pem');
    const ecKey = join(dir, 'server-ecdsa.key');
    assert.doesNotThrow(() => createSecureContext({ cert: read(rsaCert), key: read(ecKey) }), 'OpenSSL accepts it: the check must be ours');
    const { logger } = captureLogger();
    assert.throws(
      () => buildListenerTls(parseTlsConfig({ securityProfile: '2', tlsCert: [rsaCert], tlsKey: [ecKey] }), logger),
      (err: Error) => {
        assert.match(err.message, /server-rsa\.pem and .*server-ecdsa\.key do not belong together: the certificate holds a RSA public key, the key file a EC private key/);
        assert.doesNotMatch(err.message, /PRIVATE KEY-----/);
        return true;
      },
    );

    // Valid only from tomorrow: a warning naming the file and the date.
    const ca = await loadCa(dir);
    const future = await issueServerCert({ ca, keyType: 'ecdsa', hosts: ['localhost'], notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 30 * DAY) });
    writeFileSync(join(dir, 'future.pem'), future.certPem);
    writeFileSync(join(dir, 'future.key'), future.keyPem, { mode: 0o600 });
    const log = captureLogger();
    buildListenerTls(parseTlsConfig({ securityProfile: '2', tlsCert: [join(dir, 'future.pem')], tlsKey: [join(dir, 'future.key')] }), log.logger);
    assert.ok(log.lines().some((l) => l.level === 40 && /future\.pem is not valid yet \(from \d{4}-/.test(l.msg)), log.text());

    // A station certificate given as the client CA (profile 3), and as the CSMS CA: refused, naming the file.
    await issueStationCert({ dir, identity: 'CP-1', keyType: 'ecdsa', p12: false });
    const leaf = stationPaths(dir, 'CP-1').cert;
    assert.throws(
      () => buildListenerTls(parseTlsConfig({ securityProfile: '3', tlsCert: [join(dir, 'server-ecdsa.pem')], tlsKey: [ecKey], tlsClientCa: [leaf] }), logger),
      /--tls-client-ca: .*CP-1\.pem is given as a CA, but "CN=CP-1.*" in it is not a CA/,
    );
    assert.throws(() => upstreamTlsAddon(parseTlsConfig({ upstreamCa: [leaf] }), 'wss://127.0.0.1:1/ocpp', logger), /--upstream-ca: .*CP-1\.pem is given as a CA/);
    // The real CA passes both.
    assert.ok(buildListenerTls(parseTlsConfig({ securityProfile: '3', tlsCert: [join(dir, 'server-ecdsa.pem')], tlsKey: [ecKey], tlsClientCa: [join(dir, 'ca.pem')] }), logger));
    assert.ok(upstreamTlsAddon(parseTlsConfig({ upstreamCa: [join(dir, 'ca.pem')] }), 'wss://127.0.0.1:1/ocpp', logger));
  } finally {
    tmp.cleanup();
  }
});
