/**
 * One side of a replay on a raw WebSocket: sends CALLs with fresh message ids and waits for their answers, answers
 * the other side's CALLs through `onCall`. Raw `ws` rather than an RPC library: a replay must send what was
 * recorded, even payloads a strict library would refuse.
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { decodeFrame, encodeFrame } from '../core/frame-codec.js';
import type { CallErrorFrame, CallFrame, CallResultFrame, OcppFrame } from '../core/types.js';

export type Answer = CallResultFrame | CallErrorFrame;

export interface CallOutcome {
  id: string;
  answer: Answer | undefined;
  /** From the CALL written to its answer read (ms); null without an answer. */
  ms: number | null;
}

export class ReplayPeer {
  private readonly waiting = new Map<string, (a: Answer) => void>();
  /** The other side's CALLs, in the order they came. */
  readonly received: CallFrame[] = [];
  private readonly listeners = new Set<() => void>();
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(
    private readonly ws: WebSocket,
    onCall: (call: CallFrame) => OcppFrame,
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = decodeFrame(data.toString()).frame;
      if (!frame) return;
      if (frame.type === 2) {
        this.received.push(frame);
        if (ws.readyState === ws.OPEN) ws.send(encodeFrame(onCall(frame)));
        for (const l of this.listeners) l();
        return;
      }
      if (frame.type !== 3 && frame.type !== 4) return; // replay speaks types 2-4
      const resolve = this.waiting.get(frame.id);
      if (resolve) {
        this.waiting.delete(frame.id);
        resolve(frame);
      }
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  async call(action: string, payload: unknown, timeoutMs: number): Promise<CallOutcome> {
    const id = randomUUID();
    if (!this.open) return { id, answer: undefined, ms: null };
    const started = performance.now();
    const answer = await new Promise<Answer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      void this.closed.then(() => {
        clearTimeout(timer);
        resolve(undefined);
      });
      this.waiting.set(id, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
      this.ws.send(encodeFrame({ type: 2, id, action, payload }));
    });
    return { id, answer, ms: answer ? performance.now() - started : null };
  }

  /** Resolves once `n` CALLs came from the other side, or after `timeoutMs` / the close (false then). */
  async receivedAtLeast(n: number, timeoutMs: number): Promise<boolean> {
    if (this.received.length >= n) return true;
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (this.received.length >= n) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.listeners.add(check);
      void this.closed.then(() => done(this.received.length >= n));
    });
  }

  close(code = 1000, reason = 'replay done'): void {
    if (this.open) this.ws.close(code, reason);
  }
}
