/**
 * A CSMS, the real relay with the rules addon, and stations, for the rules tests. The recorder addon collects
 * what the relay publishes (message records and notices), as the store and the live view would see it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RPCClient } from 'ocpp-rpc';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { RulesAddon } from '../../src/rules/rules-addon.js';
import { connectRawStation, connectStation, startCsms, type Handler, type RawStation, type TestCsms } from '../support/ocpp-peers.js';

export interface Harness {
  dir: string;
  relay: Relay;
  csms: TestCsms;
  rules: RulesAddon;
  records: MessageRecord[];
  notices: Array<Extract<RelayEvent, { type: 'notice' }>>;
  station(identity: string, opts?: { protocols?: string[]; handlers?: Record<string, Handler>; callTimeoutMs?: number; callConcurrency?: number }): Promise<RPCClient>;
  raw(identity: string, protocols?: string[]): Promise<RawStation>;
  writeRules(name: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: {
  files?: Record<string, string>;
  seed?: number;
  watch?: boolean;
  debounceMs?: number;
  csmsHandlers?: Record<string, Handler>;
} = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-rules-'));
  for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(join(dir, name), text);
  const csms = await startCsms({ handlers: opts.csmsHandlers });
  const rules = new RulesAddon({ dir, seed: opts.seed, watch: opts.watch ?? false, debounceMs: opts.debounceMs ?? 50 });
  const records: MessageRecord[] = [];
  const notices: Harness['notices'] = [];
  const recorder: Addon = {
    name: 'recorder',
    observe(e) {
      if (e.type === 'message') records.push(e.message);
      if (e.type === 'notice') notices.push(e);
    },
  };
  let relay: Relay;
  try {
    relay = await startRelay({ upstream: csms.url, addons: [rules, recorder], pingInterval: 0 });
  } catch (err) {
    await csms.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const clients: Array<{ close(o?: object): Promise<unknown> }> = [];
  const raws: RawStation[] = [];
  return {
    dir,
    relay,
    csms,
    rules,
    records,
    notices,
    async station(identity, o = {}) {
      const c = await connectStation({ url: `${relay.url}/ocpp/${identity}`, identity, protocols: o.protocols, handlers: o.handlers });
      const patch: Record<string, number> = {};
      if (o.callTimeoutMs) patch.callTimeoutMs = o.callTimeoutMs;
      if (o.callConcurrency) patch.callConcurrency = o.callConcurrency;
      if (Object.keys(patch).length) c.reconfigure(patch as never);
      clients.push(c);
      return c;
    },
    async raw(identity, protocols) {
      const r = await connectRawStation(`${relay.url}/ocpp/${identity}`, protocols);
      raws.push(r);
      return r;
    },
    writeRules: (name, text) => writeFile(join(dir, name), text),
    async close() {
      await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => undefined)));
      raws.forEach((r) => r.ws.terminate());
      await relay.close();
      await csms.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Poll until `check` holds (or throw with `what` after `timeoutMs`). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const BOOT_16 = { chargePointVendor: 'Vendor', chargePointModel: 'Model' };
export const BOOT_201 = { reason: 'PowerUp', chargingStation: { vendorName: 'Vendor', model: 'Model' } };
