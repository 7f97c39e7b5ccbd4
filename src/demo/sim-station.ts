/**
 * A simulated charging station (ocpp-rpc client, strict mode): boots, reports status, sends heartbeats,
 * runs transactions with meter values, and obeys remote starts and triggers from the CSMS.
 */
import { RPCClient } from 'ocpp-rpc';
import type { OcppVersion } from '../core/types.js';
import { ocpp21StrictValidator } from './ocpp21-strict.js';
import { meterValue, now, stationPayloads } from './ocpp-payloads.js';

export interface SimStationOptions {
  url: string;
  identity: string;
  version: OcppVersion;
  heartbeatMs: number;
  /** Pause between the end of a transaction and the next one. */
  idleMs: number;
  meterEveryMs: number;
  /** Meter values per transaction. */
  meterCount: number;
}

type Params = Record<string, unknown>;

export class SimStation {
  private readonly client: RPCClient;
  private stopped = false;
  private charging = false;
  private timers = new Set<NodeJS.Timeout>();
  private wh = 0;
  private seqNo = 0;

  constructor(private readonly o: SimStationOptions) {
    this.client = new RPCClient({
      endpoint: o.url,
      identity: o.identity,
      protocols: [o.version === '1.6' ? 'ocpp1.6' : o.version === '2.1' ? 'ocpp2.1' : 'ocpp2.0.1'],
      strictMode: true,
      strictModeValidators: [ocpp21StrictValidator()],
      reconnect: false,
      callTimeoutMs: 10_000,
    } as unknown as ConstructorParameters<typeof RPCClient>[0]);
    const accept = (after: () => void) => async () => {
      this.later(50, after);
      return { status: 'Accepted' };
    };
    this.client.handle('RemoteStartTransaction', accept(() => void this.transaction('DEMO-REMOTE')));
    this.client.handle('RequestStartTransaction', (async ({ params }: { params: Params }) => {
      this.later(50, () => void this.transaction('DEMO-REMOTE', Number(params.remoteStartId)));
      return { status: 'Accepted' };
    }) as never);
    this.client.handle('TriggerMessage', accept(() => void this.call('Heartbeat', {})));
  }

  async start(): Promise<void> {
    await this.client.connect();
    await this.call('BootNotification', stationPayloads.boot(this.o.version, `sim-${this.o.version}`));
    await this.call('StatusNotification', stationPayloads.status(this.o.version, 'Available'));
    this.every(this.o.heartbeatMs, () => void this.call('Heartbeat', {}));
    this.every(this.o.idleMs, () => void this.transaction(`TAG-${Math.floor(Math.random() * 1e6)}`));
    // OCPP 2.1: high-rate measurements as SENDs (type 6), which ocpp-rpc cannot send but as raw text.
    if (this.o.version === '2.1') this.every(this.o.meterEveryMs, () => this.periodicSample());
  }

  private streamSeq = 0;

  private periodicSample(): void {
    if (this.stopped) return;
    const sample = { id: 1, pending: 0, basetime: now(), data: [{ t: 0, v: String(225 + Math.round(Math.random() * 100) / 10) }] };
    try {
      (this.client as unknown as { sendRaw(text: string): void }).sendRaw(JSON.stringify([6, `${this.o.identity}-s${this.streamSeq++}`, 'NotifyPeriodicEventStream', sample]));
    } catch {
      // a closed link is part of the demo
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // A clean close (1000), not a reset: the demo shows how stations should leave.
    await this.client.close({ code: 1000, reason: 'demo over', awaitPending: false }).catch(() => undefined);
  }

  private async transaction(tag: string, remoteStartId?: number): Promise<void> {
    if (this.charging || this.stopped) return;
    this.charging = true;
    try {
      const v = this.o.version;
      await this.call('Authorize', stationPayloads.authorize(v, tag));
      let txId: unknown;
      const txRef = `TX-${this.o.identity}-${Date.now()}`;
      if (v === '1.6') {
        const res = (await this.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: this.wh, timestamp: now() })) as Params | undefined;
        txId = res?.transactionId;
      } else {
        await this.call('TransactionEvent', {
          ...this.event('Started', remoteStartId !== undefined ? 'RemoteStart' : 'Authorized', txRef),
          idToken: { idToken: tag, type: remoteStartId !== undefined ? 'Central' : 'ISO14443' },
          evse: { id: 1, connectorId: 1 },
          ...(remoteStartId !== undefined ? { transactionInfo: { transactionId: txRef, remoteStartId } } : {}),
        });
      }
      await this.call('StatusNotification', stationPayloads.status(v, 'Charging'));
      for (let i = 0; i < this.o.meterCount && !this.stopped; i++) {
        await this.sleep(this.o.meterEveryMs);
        this.wh += 250 + Math.floor(Math.random() * 500);
        if (v === '1.6') await this.call('MeterValues', { connectorId: 1, transactionId: txId, meterValue: [meterValue(v, this.wh)] });
        else await this.call('TransactionEvent', { ...this.event('Updated', 'MeterValuePeriodic', txRef), meterValue: [meterValue(v, this.wh)] });
      }
      if (v === '1.6') await this.call('StopTransaction', { transactionId: txId, meterStop: this.wh, timestamp: now(), reason: 'Local' });
      else await this.call('TransactionEvent', { ...this.event('Ended', 'StopAuthorized', txRef, 'Local'), meterValue: [meterValue(v, this.wh)] });
      await this.call('StatusNotification', stationPayloads.status(v, 'Available'));
    } finally {
      this.charging = false;
    }
  }

  private event(eventType: string, triggerReason: string, transactionId: string, stoppedReason?: string): Params {
    return {
      eventType,
      timestamp: now(),
      triggerReason,
      seqNo: this.seqNo++,
      transactionInfo: { transactionId, ...(stoppedReason ? { stoppedReason } : {}) },
    };
  }

  /** A call whose failure (timeout, a rule's CALLERROR, a closed link) is part of the demo, not a crash. */
  private async call(method: string, params: Params): Promise<unknown> {
    if (this.stopped) return undefined;
    try {
      return await this.client.call(method, params);
    } catch {
      return undefined;
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  private every(ms: number, fn: () => void): void {
    const tick = (): void => this.later(ms * (0.8 + Math.random() * 0.4), () => (fn(), tick()));
    tick();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }
}
