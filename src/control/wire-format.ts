/**
 * What the control API puts on the wire. Sessions reach addons as live objects (sockets, maps, methods):
 * only their SessionInfo facts are sent, picked field by field so nothing internal leaks or loops.
 */
import type { RelayEvent } from '../core/addon.js';
import type { SessionInfo } from '../core/types.js';

export function sessionInfoOf(s: SessionInfo): SessionInfo {
  return {
    id: s.id,
    identity: s.identity,
    path: s.path,
    remoteAddress: s.remoteAddress,
    offeredProtocols: [...s.offeredProtocols],
    stationProtocol: s.stationProtocol,
    csmsProtocol: s.csmsProtocol,
    stationVersion: s.stationVersion,
    csmsVersion: s.csmsVersion,
    upstreamUrl: s.upstreamUrl,
    tls: s.tls ? { ...s.tls } : undefined,
    securityProfile: s.securityProfile,
    basicAuthUser: s.basicAuthUser,
    openedAt: s.openedAt,
  };
}

/** A RelayEvent as plain data, ready for JSON. */
export function plainEvent(event: RelayEvent): RelayEvent {
  switch (event.type) {
    case 'session-open':
      return { type: 'session-open', session: sessionInfoOf(event.session) };
    case 'session-close':
      return { type: 'session-close', session: sessionInfoOf(event.session), close: event.close };
    default:
      return event;
  }
}

/** Events on the stream: RelayEvents, plus the stream's own. */
export type StreamEvent =
  | RelayEvent
  | { type: 'hello'; filter: string; backlog: number }
  | { type: 'missed'; count: number };
