/**
 * The demo's CSMS: an ocpp-rpc server in strict mode that accepts both versions, answers every
 * station-initiated action, and now and then asks a station for something (remote start, trigger) so the
 * KPIs have CSMS-initiated exchanges to measure.
 */
import { RPCServer } from 'ocpp-rpc';
import type { AddressInfo } from 'node:net';
import { versionOfProtocol, type OcppVersion } from '../core/types.js';
import { ocpp21StrictValidator } from './ocpp21-strict.js';
import { csmsAnswer } from './ocpp-payloads.js';

/** What ocpp-rpc hands the server for each station (its types are loose). */
interface RpcPeer {
  identity: string;
  protocol: string;
  handle(fn: (ctx: { method: string; params: Record<string, unknown> }) => unknown): void;
  call(method: string, params: unknown): Promise<unknown>;
  on(event: 'close', fn: () => void): void;
}

export interface SimCsms {
  url: string;
  close(): Promise<void>;
}

export async function startSimCsms(opts: { commandEveryMs?: number; skip?: (identity: string) => boolean } = {}): Promise<SimCsms> {
  const server = new RPCServer({
    protocols: ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'],
    strictMode: true,
    strictModeValidators: [ocpp21StrictValidator()],
    maxBadMessages: Infinity,
  } as unknown as ConstructorParameters<typeof RPCServer>[0]);
  const peers = new Map<string, { peer: RpcPeer; version: OcppVersion }>();
  let txId = 1000;
  let remoteStartId = 1;

  server.on('client', (peer: RpcPeer) => {
    const version = versionOfProtocol(peer.protocol) ?? '1.6';
    if (!opts.skip?.(peer.identity)) peers.set(peer.identity, { peer, version });
    peer.on('close', () => peers.delete(peer.identity));
    peer.handle(({ method, params }) => csmsAnswer(version, method, params, () => ++txId));
  });

  // Round robin over the stations: remote start, or a trigger for a heartbeat.
  let turn = 0;
  const timer = setInterval(() => {
    const list = [...peers.values()];
    if (list.length === 0) return;
    const { peer, version } = list[turn++ % list.length]!;
    const call =
      turn % 2 === 0
        ? version === '1.6'
          ? peer.call('RemoteStartTransaction', { connectorId: 1, idTag: 'DEMO-REMOTE' })
          : peer.call('RequestStartTransaction', { evseId: 1, remoteStartId: remoteStartId++, idToken: { idToken: 'DEMO-REMOTE', type: 'Central' } })
        : peer.call('TriggerMessage', { requestedMessage: 'Heartbeat' });
    call.catch(() => undefined); // a station busy or gone is part of the show
  }, opts.commandEveryMs ?? 7000);
  timer.unref();

  const http = await server.listen(0, '127.0.0.1');
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ocpp/`,
    async close() {
      clearInterval(timer);
      await server.close({ force: true });
    },
  };
}
