/**
 * What the control API puts on the wire. Sessions reach addons as live objects (sockets, maps, methods): only
 * their facts are sent, the frozen `info` object each session builds once, so nothing internal leaks or loops.
 */
import type { RelayEvent } from '../core/addon.js';

/** A RelayEvent as plain data, ready for JSON. */
export function plainEvent(event: RelayEvent): RelayEvent {
  switch (event.type) {
    default:
      return event;
  }
}

/** Events on the stream: RelayEvents, plus the stream's own. */
export type StreamEvent =
  | RelayEvent
  | { type: 'hello'; filter: string; backlog: number }
  | { type: 'missed'; count: number };
