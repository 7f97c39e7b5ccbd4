/**
 * The control API's WebSocket stream of RelayEvents. Each client has its own filter and a bounded send buffer:
 * past `maxBufferedBytes` of unsent data, events for that client are counted instead of queued, and it is told
 * `{type:'missed', count}` once its socket drains. A slow client never slows the relay nor grows memory.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RelayEvent } from '../core/addon.js';
import type { EventFilter } from './event-filter.js';
import { JsonLineRing } from './json-line-ring.js';
import type { StreamEvent } from './wire-format.js';

export interface EventStreamOptions {
  /** Unsent bytes a client may hold before its events are dropped to a counter. */
  maxBufferedBytes?: number;
  /** Recent events kept for clients that ask for a backlog on connect. */
  backlogSize?: number;
}

interface Client {
  ws: WebSocket;
  filter: EventFilter;
  missed: number;
}

export class EventStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly clients = new Set<Client>();
  /** The newest events as JSON, off the heap (see JsonLineRing). */
  private readonly backlog: JsonLineRing;
  private readonly maxBuffered: number;
  private readonly drainTimer: NodeJS.Timeout;
  /** Events not sent to some client because it was too slow, all clients together. */
  missedTotal = 0;

  constructor(opts: EventStreamOptions = {}) {
    this.maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.backlog = new JsonLineRing(opts.backlogSize ?? 2000);
    // A client that missed events and then went quiet still learns of them once its buffer drains.
    this.drainTimer = setInterval(() => {
      for (const c of this.clients) if (c.missed > 0 && c.ws.bufferedAmount <= this.maxBuffered) this.flushMissed(c);
    }, 200);
    this.drainTimer.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Take over an HTTP upgrade that was already authenticated. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, filter: EventFilter, backlog: number): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = { ws, filter, missed: 0 };
      this.clients.add(client);
      ws.on('close', () => this.clients.delete(client));
      ws.on('error', () => ws.terminate());
      ws.on('message', () => undefined); // the stream is one-way; what a client sends is ignored
      this.sendRaw(client, { type: 'hello', filter: filter.text, backlog });
      if (backlog > 0) {
        const recent = this.backlog.last(this.backlog.maxEntries).filter((json) => filter.matchEvent(JSON.parse(json) as RelayEvent));
        for (const json of recent.slice(-backlog)) this.send(client, json);
      }
    });
  }

  publish(event: RelayEvent): void {
    const json = JSON.stringify(event);
    this.backlog.push(json);
    for (const c of this.clients) if (c.filter.matchEvent(event)) this.send(c, json);
  }

  close(): void {
    clearInterval(this.drainTimer);
    for (const c of this.clients) c.ws.close(1001, 'proxy stopping');
    this.wss.close();
  }

  private send(c: Client, json: string): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.ws.bufferedAmount > this.maxBuffered) {
      c.missed++;
      this.missedTotal++;
      return;
    }
    if (c.missed > 0) this.flushMissed(c);
    c.ws.send(json);
  }

  private flushMissed(c: Client): void {
    const count = c.missed;
    c.missed = 0;
    this.sendRaw(c, { type: 'missed', count });
  }

  private sendRaw(c: Client, event: StreamEvent): void {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify(event));
  }
}
