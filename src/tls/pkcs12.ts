/**
 * PKCS#12 (.p12) bundles of a station's key and certificate chain, for station web UIs that import one file.
 *
 * node-forge's `toPkcs12Asn1` parses keys and certificates as RSA only, so it cannot bundle an ECDSA key, nor an
 * RSA key under an ECDSA CA. We therefore assemble the PFX from pre-encoded parts — the same layout OpenSSL 3
 * writes: certificates as DER in a cert bag, the key as Node's PBES2-encrypted PKCS#8 (AES-256-CBC,
 * PBKDF2-HMAC-SHA256) in a shrouded key bag, and an HMAC-SHA256 integrity MAC keyed by forge's RFC 7292 KDF.
 * Works alike for RSA and ECDSA keys.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const CTX = asn1.Class.CONTEXT_SPECIFIC;

const OID = {
  data: '1.2.840.113549.1.7.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const MAC_ITERATIONS = 2048;

const oid = (id: string) => asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: string) => asn1.create(U, asn1.Type.OCTETSTRING, false, bytes);
const seq = (items: forge.asn1.Asn1[]) => asn1.create(U, asn1.Type.SEQUENCE, true, items);
const explicit0 = (inner: forge.asn1.Asn1) => asn1.create(CTX, 0, true, [inner]);
const binary = (buf: Buffer) => buf.toString('binary');

/** ContentInfo of type data wrapping DER bytes. */
const dataContentInfo = (der: string) => seq([oid(OID.data), explicit0(octets(der))]);

function pemBlocks(pem: string): Buffer[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b).raw);
}

export interface Pkcs12Input {
  /** Private key, PEM (any type Node reads). */
  keyPem: string;
  /** Leaf certificate first, then the chain (PEM, one or more blocks). */
  certPems: string[];
  /** Protects the key and the MAC. ASCII only: PKCS#12 encodes it differently for the MAC and for PBES2. */
  password: string;
}

export function toPkcs12(input: Pkcs12Input): Buffer {
  if (!/^[\x20-\x7e]+$/.test(input.password)) throw new Error('PKCS#12 password must be printable ASCII');
  const certs = input.certPems.flatMap(pemBlocks);
  const leaf = certs[0];
  if (!leaf) throw new Error('PKCS#12 needs at least one certificate');
  // Importers pair key and certificate by this id (SHA-1 of the certificate, as OpenSSL does).
  const localKeyId = createHash('sha1').update(leaf).digest();
  const idAttrs = asn1.create(U, asn1.Type.SET, true, [
    seq([oid(OID.localKeyId), asn1.create(U, asn1.Type.SET, true, [octets(binary(localKeyId))])]),
  ]);

  const certBags = certs.map((der, i) => {
    const bag = [oid(OID.certBag), explicit0(seq([oid(OID.x509Certificate), explicit0(octets(binary(der)))]))];
    if (i === 0) bag.push(idAttrs);
    return seq(bag);
  });

  const encryptedKey = createPrivateKey(input.keyPem).export({
    type: 'pkcs8',
    format: 'der',
    cipher: 'aes-256-cbc',
    passphrase: input.password,
  });
  const keyBag = seq([oid(OID.pkcs8ShroudedKeyBag), explicit0(asn1.fromDer(binary(encryptedKey))), idAttrs]);

  const authSafe = seq([
    dataContentInfo(asn1.toDer(seq(certBags)).getBytes()),
    dataContentInfo(asn1.toDer(seq([keyBag])).getBytes()),
  ]);
  const authSafeDer = asn1.toDer(authSafe).getBytes();

  const salt = forge.random.getBytesSync(16);
  const macKey = forge.pkcs12.generateKey(input.password, forge.util.createBuffer(salt), 3, MAC_ITERATIONS, 32, forge.md.sha256.create());
  const hmac = forge.hmac.create();
  hmac.start('sha256', macKey.getBytes());
  hmac.update(authSafeDer);
  const macData = seq([
    seq([seq([oid(OID.sha256), asn1.create(U, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(salt),
    asn1.create(U, asn1.Type.INTEGER, false, asn1.integerToDer(MAC_ITERATIONS).getBytes()),
  ]);

  const pfx = seq([
    asn1.create(U, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    dataContentInfo(authSafeDer),
    macData,
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}
