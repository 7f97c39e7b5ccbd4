/** Where a station says who it is: the last segment of the request path, percent-decoded (OCPP-J §3.1). */
export interface StationPath {
  identity: string;
  /** The path without query string. */
  path: string;
}

export function parseStationPath(url: string | undefined): StationPath | { error: string } {
  const path = (url ?? '/').split('?')[0] ?? '/';
  const last = path.split('/').filter(Boolean).pop();
  if (!last) return { error: 'the request path names no station identity (expected /…/<identity>)' };
  try {
    return { identity: decodeURIComponent(last), path };
  } catch {
    return { error: `the station identity "${last}" is not valid percent-encoding` };
  }
}

/** The CSMS URL for a station: the upstream base with the identity appended as one encoded segment. */
export function upstreamUrlFor(base: string, identity: string): string {
  const [head, query] = base.split('?', 2);
  const withSlash = head!.endsWith('/') ? head! : `${head}/`;
  return `${withSlash}${encodeURIComponent(identity)}${query ? `?${query}` : ''}`;
}

/** The user name of an `Authorization: Basic …` header; the password is never returned. */
export function basicAuthUser(header: string | undefined): string | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
}
