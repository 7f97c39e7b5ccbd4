/** Frames and sessions as the relay records them, for feeding the view store in component tests. */
import type { MessageRecord } from '../../src/core/relay-message.js';
import type { SessionInfo } from '../../src/core/types.js';
import { messageRecord } from '../support/message-record.js';

let seq = 0;
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0) * 1000;

export function session(identity: string, version: '1.6' | '2.0.1' | '2.1' = '1.6'): SessionInfo {
  const protocol = `ocpp${version}`;
  return {
    id: `sess-${identity}`,
    identity,
    path: `/ocpp/${identity}`,
    remoteAddress: '127.0.0.1',
    offeredProtocols: [protocol],
    stationProtocol: protocol,
    csmsProtocol: protocol,
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

/** OCPP 2.1: a SEND (type 6), never answered. */
export function send(identity: string, action: string, payload: unknown, over: Partial<MessageRecord> = {}): MessageRecord {
  const id = over.messageId ?? `m${++seq}`;
  const text = JSON.stringify([6, id, action, payload]);
  return base(identity, { kind: 'SEND', action, messageId: id, text, size: text.length, direction: 'to-csms', version: '2.1', ...over });
}

/** OCPP 2.1: the receiver of `res` refuses it (type 5, same id), travelling the way the CALL went. */
export function resultError(res: MessageRecord, code: string, over: Partial<MessageRecord> = {}): MessageRecord {
  const text = JSON.stringify([5, res.messageId, code, 'refused', {}]);
  return base(res.identity, {
    kind: 'CALLRESULTERROR',
    action: res.callAction,
    callAction: res.callAction,
    messageId: res.messageId,
    text,
    size: text.length,
    direction: res.direction === 'to-csms' ? 'to-station' : 'to-csms',
    version: '2.1',
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
