/** Test helpers for validation through the real relay: an event recorder addon and a misbehaving raw CSMS. */
import { once } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import type { MessageRecord } from '../../src/core/relay-message.js';

export interface Recorder extends Addon {
  messages: MessageRecord[];
  notices: Array<Extract<RelayEvent, { type: 'notice' }>>;
  /** Resolves with the first recorded message that matches (polls: observers run off the relay path). */
  waitFor(match: (m: MessageRecord) => boolean, timeoutMs?: number): Promise<MessageRecord>;
}

export function recorder(): Recorder {
  const messages: MessageRecord[] = [];
  const notices: Recorder['notices'] = [];
  return {
    name: 'test-recorder',
    messages,
    notices,
    observe(event) {
      if (event.type === 'message') messages.push(event.message);
      if (event.type === 'notice') notices.push(event);
    },
    async waitFor(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching message recorded; have ${JSON.stringify(messages.map((m) => m.text))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/** A CSMS that answers each CALL with whatever `answer` returns (raw text), for answers a strict library never sends. */
export async function startRawCsms(protocol: string, answer: (call: unknown[]) => string | undefined) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => (offered.has(protocol) ? protocol : false) });
  await once(wss, 'listening');
  const received: string[] = [];
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws: WebSocket) => {
    sockets.push(ws);
    ws.on('message', (data) => {
      const text = data.toString();
      received.push(text);
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        return; // garbage on purpose: nothing to answer
      }
      if (!Array.isArray(frame) || frame[0] !== 2) return;
      const reply = answer(frame);
      if (reply !== undefined) ws.send(reply);
    });
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/ocpp/`,
    received,
    /** Open connections from the relay, oldest first: send CALLs toward the station through them. */
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
