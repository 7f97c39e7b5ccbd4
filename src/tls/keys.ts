/** Key pairs for the local CA and the certificates it issues: RSA 2048 or ECDSA P-256, via Node's WebCrypto. */
import { createPrivateKey, KeyObject, webcrypto } from 'node:crypto';

export type KeyType = 'rsa' | 'ecdsa';

const ALGORITHMS: Record<KeyType, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  rsa: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  ecdsa: { name: 'ECDSA', namedCurve: 'P-256' },
};

/** Signature algorithm for certificates signed with a key of this type. */
export const signingAlgorithm = (type: KeyType): webcrypto.Algorithm | webcrypto.EcdsaParams =>
  type === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5' } : ({ name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams);

export async function generateKeyPair(type: KeyType): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHMS[type], true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

/** PKCS#8 PEM of a private key: what Node's tls, OpenSSL and most station firmwares read. */
export function privateKeyToPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Load a PEM private key (PKCS#8, PKCS#1 or SEC1) as a WebCrypto signing key, and tell which type it is. */
export async function importSigningKey(pem: string): Promise<{ key: webcrypto.CryptoKey; type: KeyType }> {
  const keyObject = createPrivateKey(pem);
  const asym = keyObject.asymmetricKeyType;
  const type: KeyType | undefined = asym === 'rsa' ? 'rsa' : asym === 'ec' ? 'ecdsa' : undefined;
  if (!type) throw new Error(`unsupported key type ${asym ?? 'unknown'} (RSA or ECDSA P-256 expected)`);
  if (type === 'ecdsa' && keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`unsupported curve ${keyObject.asymmetricKeyDetails?.namedCurve ?? '?'} (P-256 expected)`);
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const algorithm = type === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const key = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
  return { key, type };
}
