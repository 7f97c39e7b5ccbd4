/**
 * The real relay between raw ws peers, for frames a strict OCPP library never sends (2.1's SEND and
 * CALLRESULTERROR, invalid answers): a raw CSMS answering with `answer`, the relay with the test's addons and a
 * recorder after them, and a raw station connected on `protocol`.
 */
import type { Addon } from '../../src/core/addon.js';
import { startRelay, type Relay, type StartRelayOptions } from '../../src/core/relay.js';
import { recorder, startRawCsms, type Recorder } from '../validation/relay-support.js';
import { connectRawStation, type RawStation } from './ocpp-peers.js';
import { until as waitUntil } from './until.js';

export interface RawRelayRig {
  csms: Awaited<ReturnType<typeof startRawCsms>>;
  relay: Relay;
  rec: Recorder;
  station: RawStation;
  close(): Promise<void>;
}

export async function rawRelayRig(opts: {
  protocol: string;
  /** The station's identity (its URL path). */
  identity: string;
  /** The CSMS's raw answer to a CALL; undefined: none. */
  answer: (call: unknown[]) => string | undefined;
  addons: Addon[];
  /** More relay options (malformed, pingInterval, …). */
  relay?: Omit<StartRelayOptions, 'upstream' | 'addons'>;
}): Promise<RawRelayRig> {
  const csms = await startRawCsms(opts.protocol, opts.answer);
  const rec = recorder();
  const relay = await startRelay({ ...opts.relay, upstream: csms.url, addons: [...opts.addons, rec] });
  const station = await connectRawStation(`${relay.url}/ocpp/${opts.identity}`, [opts.protocol]);
  return {
    csms,
    relay,
    rec,
    station,
    async close() {
      station.close();
      await relay.close();
      await csms.close();
    },
  };
}

/** Poll until `cond` holds (a raw peer's `received` grows off the test's path); throws naming `what` after 5 s. */
export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await waitUntil(what, cond, timeoutMs);
}
