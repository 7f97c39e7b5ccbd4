/**
 * HTTP Basic auth as OCPP uses it: the user name is the station identity (1.6 security A00.FR.204/303, 2.0.1
 * A00.FR.203) and the password may be arbitrary bytes (AuthorizationKey). Knowing the identity, we split after
 * "identity:" rather than at the first colon, so a password with colons survives (as ocpp-rpc does).
 */

export interface BasicCredentials {
  user: string;
  /** Raw password bytes: never log them. */
  password: Buffer;
}

/** Parse an Authorization header; undefined when it is absent or not Basic. */
export function parseBasicAuth(header: string | string[] | undefined, identity: string): BasicCredentials | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value?.match(/^\s*basic\s+([A-Za-z0-9+/=_-]*)\s*$/i);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64');
  const prefix = Buffer.from(`${identity}:`, 'utf8');
  if (decoded.subarray(0, prefix.length).equals(prefix)) return { user: identity, password: decoded.subarray(prefix.length) };
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return { user: decoded.toString('utf8'), password: Buffer.alloc(0) };
  return { user: decoded.subarray(0, colon).toString('utf8'), password: decoded.subarray(colon + 1) };
}

/** An Authorization header value for these credentials. */
export function basicAuthHeader(user: string, password: Buffer | string): string {
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  return `Basic ${Buffer.concat([Buffer.from(`${user}:`, 'utf8'), pw]).toString('base64')}`;
}
