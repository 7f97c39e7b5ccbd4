/**
 * What the control API's stream puts on the wire. RelayEvents are plain data as they are: session events carry a
 * session's frozen `info` object, never the live session (sockets, maps), so nothing internal leaks or loops.
 */
import type { RelayEvent } from '../core/addon.js';

/** Events on the stream: RelayEvents, plus the stream's own. */
export type StreamEvent =
  | RelayEvent
  | { type: 'hello'; filter: string; backlog: number }
  | { type: 'missed'; count: number };
