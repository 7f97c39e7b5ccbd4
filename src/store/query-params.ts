/** Store queries as URL query strings: the control API's wire form, written by readers and parsed by the routes. */
import type { Direction } from '../core/types.js';
import type { FrameQuery, KpiQuery, SessionQuery } from './store-types.js';

type AnyQuery = KpiQuery & SessionQuery & FrameQuery;

export function toSearchParams(q: AnyQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.station) p.set('station', q.station);
  if (q.session) p.set('session', q.session);
  if (q.action) p.set('action', q.action);
  if (q.direction) p.set('direction', q.direction);
  if (q.sinceMicros !== undefined) p.set('since', String(Math.trunc(q.sinceMicros)));
  if (q.untilMicros !== undefined) p.set('until', String(Math.trunc(q.untilMicros)));
  if (q.invalidOnly) p.set('invalid', '1');
  if (q.kind) p.set('kind', q.kind);
  if (q.afterSeq !== undefined) p.set('after', String(Math.trunc(q.afterSeq)));
  if (q.limit !== undefined) p.set('limit', String(Math.trunc(q.limit)));
  return p;
}

/** Thrown for a parameter that does not parse; the route answers 400 with this message. */
export class BadQueryError extends Error {}

function intParam(p: URLSearchParams, name: string): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,17}$/.test(v)) throw new BadQueryError(`${name}: expected a non-negative integer, got ${JSON.stringify(v.slice(0, 40))}`);
  return Number(v);
}

function textParam(p: URLSearchParams, name: string): string | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  if (v.length > 200) throw new BadQueryError(`${name}: longer than 200 characters`);
  return v;
}

/** The kinds of frame the store records. */
export const FRAME_KINDS = ['CALL', 'CALLRESULT', 'CALLERROR', 'CALLRESULTERROR', 'SEND', 'MALFORMED'] as const;

function kindParam(p: URLSearchParams): string | undefined {
  const v = textParam(p, 'kind');
  if (v === undefined) return undefined;
  const k = v.toUpperCase();
  if (!(FRAME_KINDS as readonly string[]).includes(k)) throw new BadQueryError(`kind: expected one of ${FRAME_KINDS.join(', ')}, got ${JSON.stringify(v)}`);
  return k;
}

export function fromSearchParams(p: URLSearchParams): AnyQuery {
  const direction = textParam(p, 'direction');
  if (direction !== undefined && direction !== 'to-csms' && direction !== 'to-station') {
    throw new BadQueryError(`direction: expected to-csms or to-station, got ${JSON.stringify(direction)}`);
  }
  return {
    station: textParam(p, 'station'),
    session: textParam(p, 'session'),
    action: textParam(p, 'action'),
    direction: direction as Direction | undefined,
    sinceMicros: intParam(p, 'since'),
    untilMicros: intParam(p, 'until'),
    invalidOnly: p.get('invalid') === '1' || p.get('invalid') === 'true',
    kind: kindParam(p),
    afterSeq: intParam(p, 'after'),
    limit: intParam(p, 'limit'),
  };
}
