/**
 * TLS options of the station listener (security profiles 2 and 3). Several certificate/key pairs may be loaded
 * at once: OpenSSL then picks per connection the one that fits the suites the station offers (an ECDSA-only
 * station gets the ECDSA certificate, a TLS_RSA-only OCPP 1.6 station the RSA one).
 */
import { createSecureContext, type SecureContextOptions, type TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import { parsePemCerts, summarizeCert } from './describe-cert.js';
import type { TlsConfig } from './options.js';
import { caFileProblem, loadKeyPair, readTlsFile } from './key-pair.js';

export type ListenerTls = TlsOptions & SecureContextOptions;


/** Build the listener options, or undefined for a plain ws:// listener. Checks every pair and warns on expiry. */
export function buildListenerTls(config: TlsConfig, log: Logger, now = Date.now()): ListenerTls | undefined {
  if (config.certFiles.length === 0) return undefined;
  const certs: Buffer[] = [];
  const keys: Buffer[] = [];
  config.certFiles.forEach((certFile, i) => {
    const keyFile = config.keyFiles[i]!;
    const { cert, key } = loadKeyPair(certFile, keyFile, log);
    const leaf = parsePemCerts(cert)[0];
    if (!leaf) throw new Error(`${certFile}: no PEM certificate in it`);
    const s = summarizeCert(leaf, now);
    const facts = { file: certFile, subject: s.subject, sans: s.sans, key: s.key, notAfter: s.notAfter.toISOString(), daysLeft: s.daysLeft };
    if (s.expired) log.error(facts, 'station listener certificate has EXPIRED: stations will refuse it');
    else if (s.notBefore.getTime() > now) log.warn({ ...facts, notBefore: s.notBefore.toISOString() }, `station listener certificate ${certFile} is not valid yet (from ${s.notBefore.toISOString()}): stations will refuse it until then`);
    else if (s.daysLeft < 30) log.warn(facts, 'station listener certificate expires soon');
    else log.info(facts, 'station listener certificate');
    certs.push(cert);
    keys.push(key);
  });
  const profile3 = config.securityProfile === 3;
  const opts: ListenerTls = {
    cert: certs,
    key: keys,
    minVersion: config.minVersion,
    ciphers: config.ciphers,
    // Our order (ECDHE first) rather than the station's: forward secrecy whenever the station can do it.
    honorCipherOrder: true,
    requestCert: profile3,
    // Profile 3: a station without a valid certificate fails the TLS handshake, as with a real CSMS (A00.FR.407).
    rejectUnauthorized: profile3,
  };
  if (profile3) {
    opts.ca = config.clientCaFiles.map((f) => {
      const pem = readTlsFile(f, 'client CA');
      const problem = caFileProblem(f, pem);
      if (problem) throw new Error(`--tls-client-ca: ${problem}`);
      return pem;
    });
  }
  try {
    createSecureContext(opts);
  } catch (err) {
    throw new Error(`station listener TLS options rejected (check --tls-ciphers): ${(err as Error).message}`);
  }
  return opts;
}
