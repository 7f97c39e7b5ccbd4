/**
 * TLS failures in words an operator can act on. Node reports certificate problems as OpenSSL verify codes
 * (err.code, or socket.authorizationError) and alerts from the peer as ERR_SSL_* codes; we name the side and the
 * cause, and keep the code so it can be searched.
 */

/** OpenSSL X509 verify results as Node exposes them (crypto constants X509_V_ERR_* without the prefix). */
const VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

const VERIFY_TEXT: Record<string, string> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain (not a trusted CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  INVALID_PURPOSE: 'unsupported certificate purpose',
};

/** Hints for alerts a peer sends, keyed by a fragment of Node's ERR_SSL_* code. */
const ALERT_HINTS: [string, string][] = [
  ['CERTIFICATE_REQUIRED', 'the peer requires a client certificate'],
  ['UNKNOWN_CA', 'the peer does not trust our certificate (unknown CA)'],
  ['BAD_CERTIFICATE', 'the peer rejected our certificate'],
  ['CERTIFICATE_EXPIRED', 'the peer says our certificate has expired'],
  ['CERTIFICATE_UNKNOWN', 'the peer rejected our certificate'],
  ['NO_SHARED_CIPHER', 'no cipher suite in common'],
  ['HANDSHAKE_FAILURE', 'handshake failure (often: no cipher suite or signature algorithm in common)'],
  ['PROTOCOL_VERSION', 'no TLS version in common (TLS 1.2 or newer is required)'],
  ['UNSUPPORTED_PROTOCOL', 'no TLS version in common (TLS 1.2 or newer is required)'],
  ['NO_PROTOCOLS_AVAILABLE', 'no TLS version in common (TLS 1.2 or newer is required)'],
  ['WRONG_VERSION_NUMBER', 'the peer does not speak TLS here (plain ws:// port?)'],
  ['PEER_DID_NOT_RETURN_A_CERTIFICATE', 'no client certificate was sent'],
];

interface ErrLike {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  host?: unknown;
  /** The peer certificate Node attaches to ERR_TLS_CERT_ALTNAME_INVALID. */
  cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } };
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export function isCertificateVerifyCode(code: string | undefined): boolean {
  return code !== undefined && VERIFY_CODES.has(code);
}

/** "certificate has expired (CERT_HAS_EXPIRED)" for a verify code, e.g. a socket's authorizationError. */
export function describeVerifyCode(code: string): string {
  return `${VERIFY_TEXT[code] ?? code.toLowerCase().replaceAll('_', ' ')} (${code})`;
}

/**
 * Describe a TLS error of a connection we opened to `peer` ('CSMS'): "CSMS certificate: …" for a certificate we
 * rejected, "CSMS TLS handshake: …" for an alert or version/cipher problem. Undefined when it is no TLS error.
 */
export function describeTlsError(err: unknown, peer: string): string | undefined {
  const e = (err ?? {}) as ErrLike;
  const code = text(e.code);
  const message = text(e.message);
  if (isCertificateVerifyCode(code)) return `${peer} certificate: ${message || describeVerifyCode(code)} (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // Node's reason lists only the names of the kind asked for (IP or DNS); say what the certificate is for.
    const names = text(e.cert?.subjectaltname) || (e.cert?.subject?.CN ? `CN=${String(e.cert.subject.CN)}` : '');
    const host = text(e.host);
    const what = host ? `${host} is not a name of the certificate${names ? ` (${names})` : ''}` : text(e.reason) || message;
    return `${peer} certificate: name mismatch: ${what} (${code})`;
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    const hint = ALERT_HINTS.find(([k]) => code.includes(k))?.[1];
    const detail = text(e.reason) || message;
    return `${peer} TLS handshake: ${hint ? `${hint}: ` : ''}${detail} (${code})`;
  }
  return undefined;
}

/**
 * Describe a failed TLS handshake on the station listener, as `tlsClientError` reports it. Node verifies a client
 * certificate only after the handshake and then destroys the socket, so the error itself just says "socket hang
 * up": the cause is in the socket's authorizationError.
 */
export function describeStationTlsFailure(err: unknown, authorizationError?: string | Error | null): string {
  const authz = typeof authorizationError === 'string' ? authorizationError : authorizationError?.message;
  if (authz) return `station certificate: ${isCertificateVerifyCode(authz) ? describeVerifyCode(authz) : authz}`;
  return describeTlsError(err, 'station') ?? `station TLS handshake: ${text((err as ErrLike)?.message) || String(err)}`;
}
