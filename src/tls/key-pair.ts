/** Load a certificate and its private key for either TLS leg: readable errors, a warning on a loose key file. */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { parsePemCerts } from './describe-cert.js';
import type { Logger } from 'pino';
import { secretFileProblem } from './secret-file.js';

export function readTlsFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** The pair, checked to belong together; the key itself never appears in an error. */
export function loadKeyPair(certFile: string, keyFile: string, log: Logger): { cert: Buffer; key: Buffer } {
  const cert = readTlsFile(certFile, 'certificate');
  const key = readTlsFile(keyFile, 'private key');
  const problem = secretFileProblem(keyFile);
  if (problem) log.warn({ file: keyFile }, problem);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    // OpenSSL's message names the problem ("key values mismatch"), the file names say where.
    throw new Error(`${certFile} / ${keyFile}: ${(err as Error).message}`);
  }
  // OpenSSL accepts a key of another type than the certificate's (an ECDSA key with an RSA certificate): every
  // handshake would then fail with "no suitable signature algorithm". Compare the public keys themselves.
  const mismatch = keyPairMismatch(cert, key);
  if (mismatch) throw new Error(`${certFile} and ${keyFile} do not belong together: ${mismatch}`);
  return { cert, key };
}

/** Why the key is not the certificate's (types, or the public key itself), or undefined when it is. */
export function keyPairMismatch(certPem: Buffer, keyPem: Buffer): string | undefined {
  let leaf: X509Certificate;
  let pub;
  try {
    leaf = new X509Certificate(certPem);
    pub = createPublicKey(createPrivateKey(keyPem));
  } catch {
    return undefined; // unreadable here (e.g. a passphrase): OpenSSL's own check above has spoken
  }
  const certType = leaf.publicKey.asymmetricKeyType;
  if (certType !== pub.asymmetricKeyType) return `the certificate holds a ${certType?.toUpperCase()} public key, the key file a ${pub.asymmetricKeyType?.toUpperCase()} private key`;
  const a = leaf.publicKey.export({ type: 'spki', format: 'der' });
  const b = pub.export({ type: 'spki', format: 'der' });
  return a.equals(b) ? undefined : "the private key is not the certificate's";
}

/**
 * A file of trust anchors: every certificate in it should be a CA (basicConstraints CA:TRUE) or self-signed
 * (a self-signed certificate can anchor itself). Returns why not, naming the certificate, or undefined.
 */
export function caFileProblem(file: string, pem: Buffer): string | undefined {
  const certs = parsePemCerts(pem);
  if (certs.length === 0) return `${file}: no PEM certificate in it`;
  const leaf = certs.find((c) => !c.ca && !c.checkIssued(c));
  if (!leaf) return undefined;
  const subject = leaf.subject.split('\n').filter(Boolean).join(', ');
  return `${file} is given as a CA, but "${subject}" in it is not a CA (no basicConstraints CA:TRUE) and not self-signed: it cannot have issued other certificates`;
}
