/**
 * fast-check arbitraries for the proxy fuzz: OCPP-J frames of every type and version, well-formed and not
 * (mutated, truncated, wrong types, odd ids, deep nesting, oversize, binary), and WebSocket handshakes.
 */
import fc from 'fast-check';

export const PROTOCOLS = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** A frame as a peer sends it: text, or bytes in a binary frame. */
export type FuzzFrame = { text: string; binary?: undefined } | { text?: undefined; binary: Uint8Array };

const ACTIONS: Record<Protocol, string[]> = {
  'ocpp1.6': ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction', 'StopTransaction', 'MeterValues', 'DataTransfer'],
  'ocpp2.0.1': ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'TransactionEvent', 'MeterValues', 'DataTransfer', 'NotifyReport'],
  'ocpp2.1': ['BootNotification', 'Heartbeat', 'StatusNotification', 'TransactionEvent', 'NotifyPeriodicEventStream', 'DataTransfer'],
};

/** Message ids: ordinary, empty, too long, unicode, numbers, null; never the probe's prefix. */
const messageId = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,36}$/) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ minLength: 37, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.constant(true)) },
).filter((id) => !(typeof id === 'string' && id.startsWith('probe')));

const payload = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }) },
  { weight: 2, arbitrary: fc.record({ idTag: fc.string({ maxLength: 30 }), connectorId: fc.integer({ min: -2, max: 10 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const action = (p: Protocol) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ACTIONS[p]) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });

/** Well-shaped frames of each type (their contents may still be invalid for the schemas). */
const shaped = (p: Protocol): fc.Arbitrary<unknown[]> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constant(2), messageId, action(p), payload) },
    { weight: 2, arbitrary: fc.tuple(fc.constant(3), messageId, payload) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(4), messageId, fc.constantFrom('GenericError', 'FormatViolation', 'NotImplemented', 'Nope'), fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 2 })) },
    { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -1, max: 9 }), messageId, action(p), payload) },
  );

/** A text, mutated: cut short, a character changed or inserted, a slice repeated. */
const mutated = (text: string) =>
  fc.oneof(
    fc.nat({ max: Math.max(0, text.length - 1) }).map((i) => text.slice(0, i)),
    fc.tuple(fc.nat({ max: text.length }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i + 1)),
    fc.tuple(fc.nat({ max: text.length }), fc.constantFrom('[', ']', '{', '}', '"', ',', '\\', '\u0000', '\uFFFF')).map(([i, c]) => text.slice(0, i) + c + text.slice(i)),
  );

/**
 * Nesting far beyond the bound, or just around it (the bound is 64; the frame array and payload are 2 levels).
 * At most 10,000 levels (60 KB of objects): deeper ones would be over the fuzz's --max-frame, refused for their size.
 */
const nested = fc.tuple(fc.constantFrom(2, 3, 4), fc.oneof(fc.integer({ min: 55, max: 70 }), fc.integer({ min: 1000, max: 10_000 })), fc.boolean()).map(
  ([type, depth, objects]) => {
    const open = objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
    return type === 2 ? `[2,"deep-${depth}","DataTransfer",{"vendorId":"v","data":${open}}]` : type === 3 ? `[3,"deep-${depth}",{"data":${open}}]` : `[4,"deep-${depth}","GenericError","",${open}]`;
  },
);

/** A frame toward the proxy in `protocol`; `maxFrame` sizes the oversize ones (kept under the WebSocket hard cap). */
export function frameArb(protocol: Protocol, maxFrame: number): fc.Arbitrary<FuzzFrame> {
  const text = fc.oneof(
    { weight: 8, arbitrary: shaped(protocol).map((f) => JSON.stringify(f)) },
    { weight: 4, arbitrary: shaped(protocol).chain((f) => mutated(JSON.stringify(f))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: fc.integer({ min: maxFrame - 64, max: maxFrame * 2 }).map((n) => JSON.stringify([2, 'big', 'DataTransfer', { vendorId: 'v', data: 'x'.repeat(n) }])) },
  );
  // As it will be on the wire: WebSocket text is UTF-8, so a lone surrogate travels as U+FFFD.
  return fc.oneof({ weight: 20, arbitrary: text.map((t) => ({ text: Buffer.from(t, 'utf8').toString('utf8') })) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ binary: b })) });
}

/** An HTTP upgrade request as raw text: path, subprotocols, headers generated (some valid, most odd). */
export const handshakeArb = fc
  .record({
    path: fc.oneof(fc.constant('/ocpp/HS-1'), fc.stringMatching(/^\/[ -~]{0,80}$/), fc.string({ unit: 'binary', maxLength: 40 }).map((s) => '/ocpp/' + s.replace(/[\r\n ]/g, ''))),
    protocols: fc.oneof(fc.constant('ocpp1.6'), fc.constantFrom(...PROTOCOLS, 'ocpp9', '', ',,,', 'ocpp1.6, ocpp2.0.1, ocpp2.1'), fc.stringMatching(/^[ -~]{0,40}$/)),
    version: fc.constantFrom('13', '8', '', 'x'),
    key: fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), fc.stringMatching(/^[A-Za-z0-9+/=]{0,30}$/)),
    auth: fc.option(fc.oneof(fc.stringMatching(/^[ -~]{0,60}$/), fc.string({ maxLength: 20 }).map((s) => 'Basic ' + Buffer.from(s).toString('base64')))),
    extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.stringMatching(/^[ -~]{0,40}$/)), { maxLength: 4 }),
  })
  .map((h) =>
    [
      `GET ${h.path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${h.key}`,
      `Sec-WebSocket-Version: ${h.version}`,
      ...(h.protocols ? [`Sec-WebSocket-Protocol: ${h.protocols}`] : []),
      ...(h.auth !== null ? [`Authorization: ${h.auth}`] : []),
      ...h.extra.map(([k, v]) => `${k}: ${v}`),
      '',
      '',
    ].join('\r\n'),
  );
