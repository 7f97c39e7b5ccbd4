/** What a certificate is, in the words `tls show` and startup checks use: subject, names, key, expiry. */
import { X509Certificate } from 'node:crypto';

export interface CertSummary {
  subject: string;
  issuer: string;
  /** Subject alternative names as OpenSSL prints them, e.g. ['DNS:localhost', 'IP Address:127.0.0.1']. */
  sans: string[];
  /** 'RSA 2048', 'ECDSA P-256', ... */
  key: string;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
  /** Whole days until expiry (truncated); negative: days since expiry. */
  daysLeft: number;
  expired: boolean;
  fingerprint256: string;
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

export function describeKey(cert: X509Certificate): string {
  const pk = cert.publicKey;
  const d = pk.asymmetricKeyDetails ?? {};
  if (pk.asymmetricKeyType === 'rsa') return `RSA ${d.modulusLength ?? '?'}`;
  if (pk.asymmetricKeyType === 'ec') return `ECDSA ${CURVES[d.namedCurve ?? ''] ?? d.namedCurve ?? '?'}`;
  return pk.asymmetricKeyType ?? 'unknown';
}

/** Node prints subjects one RDN per line; one line reads better in logs and tables. */
const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');

export function summarizeCert(cert: X509Certificate, now = Date.now()): CertSummary {
  const notAfter = new Date(cert.validTo);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    sans: cert.subjectAltName ? cert.subjectAltName.split(', ') : [],
    key: describeKey(cert),
    isCa: cert.ca,
    notBefore: new Date(cert.validFrom),
    notAfter,
    daysLeft: Math.trunc((notAfter.getTime() - now) / 86_400_000) || 0,
    expired: notAfter.getTime() <= now,
    fingerprint256: cert.fingerprint256,
  };
}

/** Every certificate in a PEM text (a chain file holds several). */
export function parsePemCerts(pem: string | Buffer): X509Certificate[] {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b));
}

/** The CN of a subject as Node prints it ("CN=x\nO=y"), or undefined. */
export function commonName(subject: string): string | undefined {
  for (const line of subject.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return undefined;
}
