/** A MessageRecord for tests that feed recorded frames to an observer (store rows, the live view). */
import type { MessageRecord } from '../../src/core/relay-message.js';

export function messageRecord(over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    seq: 1,
    sessionId: 'S1',
    identity: 'CP',
    direction: 'to-csms',
    origin: 'wire',
    madeBy: undefined,
    version: '1.6',
    receivedAt: 1_000_000,
    sentAt: 1_000_100,
    kind: 'CALL',
    messageId: 'm1',
    action: undefined,
    text: '',
    original: undefined,
    size: 0,
    valid: true,
    issues: [],
    errorCode: undefined,
    malformed: undefined,
    dropped: undefined,
    ruleDelayMs: 0,
    modified: false,
    changedBy: [],
    ruleIds: [],
    latencyMs: undefined,
    callAction: undefined,
    ...over,
  };
}
