/**
 * A station that writes raw text, for what a strict OCPP library never sends: now and then a frame that breaks
 * the schema, and one that is not even OCPP-J. The live view shows them flagged, with the errors in words.
 */
import WebSocket from 'ws';
import { now } from './ocpp-payloads.js';

export class RawStation {
  private ws: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private n = 0;

  constructor(
    private readonly url: string,
    readonly identity: string,
    private readonly everyMs: number,
  ) {}

  async start(): Promise<void> {
    const ws = new WebSocket(`${this.url.replace(/\/$/, '')}/${this.identity}`, ['ocpp1.6']);
    this.ws = ws;
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      // Answer the CSMS's CALLs so it does not time out on us.
      try {
        const f = JSON.parse(data.toString()) as unknown[];
        if (f[0] === 2) ws.send(JSON.stringify([3, f[1], f[2] === 'TriggerMessage' || String(f[2]).startsWith('Remote') ? { status: 'Rejected' } : {}]));
      } catch {
        // not for us to judge
      }
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.send([2, this.id(), 'BootNotification', { chargePointVendor: 'ocpp-mitm demo', chargePointModel: 'raw' }]);
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
  }

  private tick(): void {
    const step = this.n % 4;
    if (step === 1) {
      // Schema violations: an unknown status and a vendor id that is far too long.
      this.send([2, this.id(), 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping', vendorId: 'x'.repeat(300), timestamp: now() }]);
    } else if (step === 3) {
      this.ws?.send(`[2,"${this.id()}","Heartbeat",{}`); // truncated: not JSON at all
    } else {
      this.send([2, this.id(), 'Heartbeat', {}]);
    }
  }

  private id(): string {
    return `raw-${++this.n}`;
  }

  private send(frame: unknown[]): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  stop(): void {
    clearInterval(this.timer);
    this.ws?.close(1000, 'demo over');
  }
}
