/**
 * The station's Sec-WebSocket-Protocol header, read strictly (RFC 6455 §4.1, as ws reads it): a comma-separated
 * list of HTTP tokens (RFC 7230 §3.2.6), none twice. A header that is not such a list is refused with the reason.
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type ParsedSubprotocols = { protocols: string[] } | { error: string };

export function parseSubprotocols(header: string | undefined): ParsedSubprotocols {
  if (!header) return { protocols: [] };
  const protocols = header
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = protocols.find((p, i) => !TOKEN.test(p) || protocols.indexOf(p) !== i);
  if (bad === undefined) return { protocols };
  return { error: `Sec-WebSocket-Protocol offers ${JSON.stringify(bad)}, ${TOKEN.test(bad) ? 'twice' : 'which is not a token'} (RFC 6455 §4.1)` };
}
