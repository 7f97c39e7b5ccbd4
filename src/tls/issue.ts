/**
 * Certificates of the local PKI: a CA, server certificates for the station listener and client certificates
 * for stations (security profile 3). Everything in memory; `cert-dir.ts` decides where it lives on disk.
 */
import type { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { x509 } from './x509.js';
import { generateKeyPair, privateKeyToPem, signingAlgorithm, type KeyType } from './keys.js';

const DAY_MS = 86_400_000;

export interface Issued {
  certPem: string;
  keyPem: string;
  keyType: KeyType;
}

/** A CA able to sign: its certificate and private key. */
export interface SigningCa {
  cert: x509.X509Certificate;
  key: webcrypto.CryptoKey;
  keyType: KeyType;
}

export interface ValidityOptions {
  /** Default: now minus one hour (tolerates small clock skew on stations). */
  notBefore?: Date;
  /** Default: notBefore plus `days`. A date in the past makes an expired certificate (for tests). */
  notAfter?: Date;
  days?: number;
}

function validity(opts: ValidityOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const notBefore = opts.notBefore ?? new Date(Date.now() - 3_600_000);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + (opts.days ?? defaultDays) * DAY_MS);
  return { notBefore, notAfter };
}

/** RFC 4514 name; values are escaped so an identity with ',' or '+' stays one RDN. */
function dn(cn: string, org?: string): string {
  const esc = (v: string) => v.replace(/[\\,+"<>;=#]/g, (c) => `\\${c}`);
  return org ? `CN=${esc(cn)}, O=${esc(org)}` : `CN=${esc(cn)}`;
}

export async function createCa(opts: ValidityOptions & { keyType: KeyType; commonName?: string; org?: string }): Promise<Issued & { ca: SigningCa }> {
  const keys = await generateKeyPair(opts.keyType);
  const { notBefore, notAfter } = validity(opts, 3650);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: dn(opts.commonName ?? 'ocpp-mitm local CA', opts.org ?? 'ocpp-mitm'),
    keys,
    notBefore,
    notAfter,
    signingAlgorithm: signingAlgorithm(opts.keyType),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: privateKeyToPem(keys.privateKey),
    keyType: opts.keyType,
    ca: { cert, key: keys.privateKey, keyType: opts.keyType },
  };
}

export interface LeafOptions extends ValidityOptions {
  ca: SigningCa;
  keyType: KeyType;
  commonName: string;
  org?: string;
}

async function issueLeaf(opts: LeafOptions, usage: 'server' | 'client', sans: x509.JsonGeneralName[]): Promise<Issued> {
  const keys = await generateKeyPair(opts.keyType);
  const { notBefore, notAfter } = validity(opts, usage === 'server' ? 825 : 730);
  // RSA certificates also serve TLS_RSA_* suites (OCPP 1.6), where the key encrypts the premaster secret.
  const keyUsage =
    opts.keyType === 'rsa' ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage, true),
    new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(opts.ca.cert.publicKey),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  const cert = await x509.X509CertificateGenerator.create({
    subject: dn(opts.commonName, opts.org),
    issuer: opts.ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: opts.ca.key,
    notBefore,
    notAfter,
    signingAlgorithm: signingAlgorithm(opts.ca.keyType),
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: privateKeyToPem(keys.privateKey), keyType: opts.keyType };
}

/** Server certificate for the station listener; CN is the first host (OCPP: CN holds the FQDN), all hosts are SANs. */
export function issueServerCert(opts: Omit<LeafOptions, 'commonName'> & { hosts: string[] }): Promise<Issued> {
  if (opts.hosts.length === 0) throw new Error('a server certificate needs at least one host name or IP');
  const sans = opts.hosts.map((h): x509.JsonGeneralName => ({ type: isIP(h) ? 'ip' : 'dns', value: h }));
  return issueLeaf({ ...opts, commonName: opts.hosts[0]! }, 'server', sans);
}

/** Client certificate for a station (security profile 3): CN = the station identity, O = the CPO. */
export function issueClientCert(opts: Omit<LeafOptions, 'commonName'> & { identity: string }): Promise<Issued> {
  return issueLeaf({ ...opts, commonName: opts.identity, org: opts.org ?? 'ocpp-mitm' }, 'client', []);
}
