/** Frames and sessions as the relay records them, for feeding the view store in component tests. */
import type { MessageRecord } from '../../src/core/relay-message.js';
import type { SessionInfo } from '../../src/core/types.js';
import { messageRecord } from '../support/message-record.js';

let seq = 0;
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0) * 1000;

export function session(identity: string, version: '1.6' | '2.0.1' = '1.6'): SessionInfo {
  return {
    id: `sess-${identity}`,
    identity,
    path: `/ocpp/${identity}`,
    remoteAddress: '127.0.0.1',
    offeredProtocols: [version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1'],
    stationProtocol: version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1',
    csmsProtocol: version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1',
    stationVersion: version,
    csmsVersion: version,
    upstreamUrl: `ws://csms/${identity}`,
    tls: undefined,
    securityProfile: 0,
    basicAuthUser: undefined,
    openedAt: t0,
  };
}

export function call(identity: string, action: string, payload: unknown, over: Partial<MessageRecord> = {}): MessageRecord {
  const id = over.messageId ?? `m${++seq}`;
  const text = JSON.stringify([2, id, action, payload]);
  return base(identity, { kind: 'CALL', action, messageId: id, text, size: text.length, direction: 'to-csms', ...over });
}

export function result(of: MessageRecord, payload: unknown, over: Partial<MessageRecord> = {}): MessageRecord {
  const text = JSON.stringify([3, of.messageId, payload]);
  return base(of.identity, {
    kind: 'CALLRESULT',
    action: undefined,
    callAction: of.action,
    messageId: of.messageId,
    text,
    size: text.length,
    direction: of.direction === 'to-csms' ? 'to-station' : 'to-csms',
    latencyMs: 12,
    ...over,
  });
}

function base(identity: string, over: Partial<MessageRecord>): MessageRecord {
  const n = ++seq;
  return messageRecord({
    seq: n,
    sessionId: `sess-${identity}`,
    identity,
    receivedAt: t0 + n * 1000,
    sentAt: t0 + n * 1000 + 100,
    messageId: `m${n}`,
    text: '[]',
    size: 2,
    ...over,
  });
}
