/** `tls init / issue / show / credentials add`, PKCS#12 bundles, and the small parsers the addons rely on. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createSecureContext, createServer, connect, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import YAML from 'yaml';
import { initCertDir, issueStationCert, listCertDir, loadCa, stationPaths } from '../../src/tls/cert-dir.js';
import { issueServerCert } from '../../src/tls/issue.js';
import { buildListenerTls } from '../../src/tls/listener-tls.js';
import { addTlsCommands, formatCertTable } from '../../src/tls/commands.js';
import { parseBasicAuth, basicAuthHeader } from '../../src/tls/basic-auth.js';
import { commonNameOf } from '../../src/tls/station-auth.js';
import { DEFAULT_CIPHERS, parseTlsConfig } from '../../src/tls/options.js';
import { verifyPassword } from '../../src/tls/station-credentials.js';
import { describeStationTlsFailure, describeTlsError } from '../../src/tls/tls-errors.js';
import { toPkcs12 } from '../../src/tls/pkcs12.js';
import { captureLogger, tempDir } from './helpers.js';

const DAY = 86_400_000;
const mode = (f: string) => statSync(f).mode & 0o777;

let tmp: ReturnType<typeof tempDir>;
before(() => {
  tmp = tempDir();
});
after(() => tmp?.cleanup());

/** Run `ocpp-mitm <args>` with the TLS commands; returns what it printed. */
async function cli(args: string[], stdin = ''): Promise<string> {
  const program = new Command('ocpp-mitm').exitOverride();
  const printed: string[] = [];
  addTlsCommands(program, { write: (t) => printed.push(t), stdin: Object.assign(Readable.from([Buffer.from(stdin)]), { isTTY: false }) });
  await program.parseAsync(args, { from: 'user' });
  return printed.join('');
}

/** A mutual-TLS handshake against a server that trusts `ca`; resolves with the client CN the server saw. */
async function mutualTls(ca: string, client: { pfx: Buffer; passphrase: string }): Promise<string> {
  const dir = join(tmp.dir, 'mtls-server');
  if (!existsSync(dir)) await initCertDir({ dir, keyTypes: ['ecdsa'], hosts: ['localhost'] });
  const server = createServer({
    cert: readFileSync(join(dir, 'server-ecdsa.pem')),
    key: readFileSync(join(dir, 'server-ecdsa.key')),
    ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const seen = once(server, 'secureConnection') as Promise<[TLSSocket]>;
    const socket = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(join(dir, 'ca.pem')), ...client });
    const [serverSide] = await seen;
    const cn = String(serverSide.getPeerCertificate().subject.CN);
    socket.destroy();
    return cn;
  } finally {
    server.close();
  }
}

describe('tls init / issue / show', () => {
  test('init makes a CA and RSA + ECDSA server certificates with the SANs asked for; keys are 0600', async () => {
    const dir = join(tmp.dir, 'init');
    const out = await cli(['tls', 'init', '--dir', dir, '--host', 'csms.local', '--host', '10.0.0.5', '--host', 'localhost']);
    assert.match(out, /created a CA/);
    assert.doesNotMatch(out, /PRIVATE KEY/);
    for (const f of ['ca.key', 'server-rsa.key', 'server-ecdsa.key']) assert.equal(mode(join(dir, f)), 0o600, f);
    assert.equal(mode(join(dir, 'ca.pem')), 0o644);
    const certs = listCertDir(dir);
    assert.equal(certs[0]?.isCa, true);
    const rsa = certs.find((c) => c.file === 'server-rsa.pem');
    const ec = certs.find((c) => c.file === 'server-ecdsa.pem');
    assert.equal(rsa?.key, 'RSA 2048');
    assert.equal(ec?.key, 'ECDSA P-256');
    assert.equal(certs[0]?.key, 'RSA 2048', 'CA for --key both is RSA: every station verifies RSA signatures');
    assert.deepEqual(ec?.sans, ['DNS:csms.local', 'IP Address:10.0.0.5', 'DNS:localhost']);
    assert.match(ec?.subject ?? '', /CN=csms\.local/);
    assert.ok(ec && !ec.expired && ec.daysLeft === 824, `days left ${ec?.daysLeft}`);
    // The listener loads both pairs at once.
    createSecureContext({ cert: [readFileSync(join(dir, 'server-rsa.pem')), readFileSync(join(dir, 'server-ecdsa.pem'))], key: [readFileSync(join(dir, 'server-rsa.key')), readFileSync(join(dir, 'server-ecdsa.key'))] });

    // A second init keeps the CA (stations keep trusting it) and re-issues the server certificates.
    const caBefore = certs[0]?.fingerprint256;
    const again = await cli(['tls', 'init', '--dir', dir, '--key', 'ecdsa', '--host', 'other.local']);
    assert.match(again, /using the existing CA/);
    const after2 = listCertDir(dir);
    assert.equal(after2[0]?.fingerprint256, caBefore);
    assert.deepEqual(after2.find((c) => c.file === 'server-ecdsa.pem')?.sans, ['DNS:other.local']);

    const shown = await cli(['tls', 'show', '--dir', dir]);
    assert.match(shown, /SUBJECT/);
    assert.match(shown, /server-ecdsa\.pem .*CN=other\.local.*ECDSA P-256/);
    assert.match(shown, /\(CA\)/);
    assert.doesNotMatch(shown, /PRIVATE KEY/);
  });

  test('issue: a station certificate (CN = identity, O = CPO) in PEM and PKCS#12, ECDSA and RSA, usable for mutual TLS', async () => {
    const dir = join(tmp.dir, 'issue');
    await initCertDir({ dir, keyTypes: ['ecdsa'], hosts: ['localhost'] });
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    for (const key of ['ecdsa', 'rsa'] as const) {
      const identity = `CP*${key}|1`;
      const out = await cli(['tls', 'issue', '--station', identity, '--dir', dir, '--key', key, '--org', 'Example CPO']);
      assert.doesNotMatch(out, /PRIVATE KEY/);
      const p = stationPaths(dir, identity);
      assert.ok(!p.cert.includes('*') && !p.cert.includes('|'), 'identity not made file-safe');
      for (const f of [p.key, p.p12, p.p12Password]) assert.equal(mode(f), 0o600, f);
      const shown = listCertDir(dir).find((c) => c.file.endsWith(`${p.cert.split('/').pop()}`));
      assert.equal(shown?.subject, `CN=${identity}, O=Example CPO`);
      assert.equal(shown?.key, key === 'rsa' ? 'RSA 2048' : 'ECDSA P-256');
      const passphrase = readFileSync(p.p12Password, 'utf8').trim();
      const pfx = readFileSync(p.p12);
      assert.equal(await mutualTls(ca, { pfx, passphrase }), identity);
      assert.throws(() => createSecureContext({ pfx, passphrase: 'wrong' }), /mac verify|decrypt|password/i);
    }
  });

  test('an expired certificate (notAfter in the past) shows as EXPIRED', async () => {
    const dir = join(tmp.dir, 'expired');
    await initCertDir({ dir, keyTypes: ['ecdsa'], hosts: ['localhost'] });
    await issueStationCert({ dir, identity: 'CP-OLD', keyType: 'ecdsa', notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - 2 * DAY), p12: false });
    const old = listCertDir(dir).find((c) => c.subject.startsWith('CN=CP-OLD'));
    assert.ok(old?.expired && old.daysLeft === -2, `daysLeft ${old?.daysLeft}`);
    assert.match(formatCertTable(listCertDir(dir)), /EXPIRED 2d ago/);
  });

  test('toPkcs12 refuses a non-ASCII password', () => {
    assert.throws(() => toPkcs12({ keyPem: '', certPems: [], password: 'pässword' }), /ASCII/);
  });
});

describe('listener TLS options', () => {
  test('a key that does not fit its certificate stops the start, naming both files and not the key', async () => {
    const dir = join(tmp.dir, 'listener');
    await initCertDir({ dir, keyTypes: ['ecdsa'], hosts: ['localhost'] });
    await issueStationCert({ dir, identity: 'CP-X', keyType: 'ecdsa', p12: false });
    const { logger } = captureLogger();
    const config = parseTlsConfig({ securityProfile: '2', tlsCert: [join(dir, 'server-ecdsa.pem')], tlsKey: [join(dir, 'stations', 'CP-X.key')] });
    assert.throws(
      () => buildListenerTls(config, logger),
      (err: Error) => err.message.includes('server-ecdsa.pem') && err.message.includes('CP-X.key') && !err.message.includes('PRIVATE KEY'),
    );
  });

  test('an expired listener certificate is reported at start; profile 3 asks for and enforces client certificates', async () => {
    const dir = join(tmp.dir, 'listener-expired');
    await initCertDir({ dir, keyTypes: ['ecdsa'], hosts: ['localhost'] });
    const ca = await loadCa(dir);
    const old = await issueServerCert({ ca, keyType: 'ecdsa', hosts: ['localhost'], notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
    writeFileSync(join(dir, 'old.pem'), old.certPem);
    writeFileSync(join(dir, 'old.key'), old.keyPem, { mode: 0o600 });
    const log = captureLogger();
    const opts = buildListenerTls(
      parseTlsConfig({ securityProfile: '3', tlsCert: [join(dir, 'old.pem')], tlsKey: [join(dir, 'old.key')], tlsClientCa: [join(dir, 'ca.pem')] }),
      log.logger,
    );
    assert.ok(log.lines().some((l) => l.level === 50 && /EXPIRED/.test(l.msg) && l.file.endsWith('old.pem')));
    assert.equal(opts?.requestCert, true);
    assert.equal(opts?.rejectUnauthorized, true);
    assert.equal(opts?.minVersion, 'TLSv1.2');
    assert.equal(opts?.ciphers, DEFAULT_CIPHERS);
  });
});

describe('tls credentials add', () => {
  test('stores scrypt hashes (0600), keeps other entries, and the generated password verifies', async () => {
    const file = join(tmp.dir, 'creds', 'station-credentials.yaml');
    await cli(['tls', 'credentials', 'add', '--station', 'CP-1', '--file', file], 'from-stdin-password\n');
    const out = await cli(['tls', 'credentials', 'add', '--station', 'CP-2', '--file', file, '--generate']);
    const generated = out.match(/shown only now\): ([0-9a-f]{40})$/m)?.[1];
    assert.ok(generated, 'no generated password printed');
    assert.equal(mode(file), 0o600);
    const doc = YAML.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(doc), ['CP-1', 'CP-2']);
    assert.ok(!readFileSync(file, 'utf8').includes('from-stdin-password'));
    assert.equal(await verifyPassword(Buffer.from('from-stdin-password'), doc['CP-1']!), true, 'stdin newline must not be part of the password');
    assert.equal(await verifyPassword(Buffer.from(generated), doc['CP-2']!), true);
    assert.equal(await verifyPassword(Buffer.from('nope'), doc['CP-2']!), false);
  });
});

describe('parsers', () => {
  test('Basic auth: split after "identity:", so passwords may hold colons or any byte', () => {
    assert.deepEqual(parseBasicAuth(basicAuthHeader('CP:1', 'a:b:c'), 'CP:1'), { user: 'CP:1', password: Buffer.from('a:b:c') });
    const bin = Buffer.from([0, 0x3a, 0xff]);
    assert.deepEqual(parseBasicAuth(basicAuthHeader('CP-1', bin), 'CP-1')?.password, bin);
    assert.equal(parseBasicAuth(basicAuthHeader('other', 'x'), 'CP-1')?.user, 'other');
    assert.equal(parseBasicAuth('Bearer abc', 'CP-1'), undefined);
    assert.equal(parseBasicAuth(undefined, 'CP-1'), undefined);
  });

  test('CN of a subject in each spelling', () => {
    assert.equal(commonNameOf('CN=CP-1, O=CPO'), 'CP-1');
    assert.equal(commonNameOf('O=CPO, CN=CP=1'), 'CP=1');
    assert.equal(commonNameOf('C=NL\nCN=CP-1\nO=x'), 'CP-1');
    assert.equal(commonNameOf('/O=x/CN=CP-1'), 'CP-1');
    assert.equal(commonNameOf('O=x'), undefined);
  });

  test('start options that cannot work are refused with a reason', () => {
    assert.throws(() => parseTlsConfig({ securityProfile: '3', tlsCert: ['a'], tlsKey: ['b'] }), /--tls-client-ca/);
    assert.throws(() => parseTlsConfig({ securityProfile: '2' }), /needs --tls-cert/);
    assert.throws(() => parseTlsConfig({ securityProfile: '1', tlsCert: ['a'], tlsKey: ['b'] }), /plain ws/);
    assert.throws(() => parseTlsConfig({ tlsCert: ['a', 'b'], tlsKey: ['c'] }), /pairs/);
    assert.throws(() => parseTlsConfig({ stationCredentials: 'f' }), /profile 1 or 2/);
    assert.throws(() => parseTlsConfig({ upstreamCert: 'a' }), /go together/);
    assert.equal(parseTlsConfig({}).securityProfile, undefined);
    assert.equal(parseTlsConfig({ cnCheck: false }).cnCheck, false);
  });

  test('TLS errors get a side, a cause and the code', () => {
    assert.equal(
      describeTlsError(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }), 'CSMS'),
      'CSMS certificate: certificate has expired (CERT_HAS_EXPIRED)',
    );
    assert.match(
      describeTlsError(Object.assign(new Error('x'), { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', reason: 'tlsv13 alert certificate required' }), 'CSMS') ?? '',
      /^CSMS TLS handshake: the peer requires a client certificate: tlsv13 alert certificate required/,
    );
    assert.equal(describeTlsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'CSMS'), undefined);
    assert.equal(describeStationTlsFailure(new Error('socket hang up'), 'CERT_HAS_EXPIRED'), 'station certificate: certificate has expired (CERT_HAS_EXPIRED)');
  });
});
