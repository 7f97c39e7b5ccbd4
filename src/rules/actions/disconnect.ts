/** `disconnect: true | { code, reason, reset, afterForward }`: close (or reset) both legs instead of, or after, forwarding. */
import type { ActionSpec } from './action-spec.js';

export interface DisconnectSpec {
  code?: number;
  reason?: string;
  /** Abrupt TCP reset of both legs, no close frame. */
  reset?: boolean;
  /** Forward the frame first, then disconnect (default: the frame is lost with the connection). */
  afterForward?: boolean;
}

const specOf = (value: true | DisconnectSpec): DisconnectSpec => (value === true ? {} : value);
/** RFC 6455 §7.4: the codes an endpoint may send. */
const sendableClose = (code: number): boolean => (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);

export const disconnectAction: ActionSpec<true | DisconnectSpec> = {
  schema: {
    type: ['boolean', 'object'],
    additionalProperties: false,
    properties: {
      code: { type: 'integer', minimum: 1000, maximum: 4999 },
      reason: { type: 'string', maxLength: 120 },
      reset: { type: 'boolean' },
      afterForward: { type: 'boolean' },
    },
    if: { type: 'boolean' },
    then: { const: true },
  },
  check: (value) => {
    const code = specOf(value).code;
    return code !== undefined && !sendableClose(code)
      ? [{ path: ['code'], message: `close code ${code} cannot be sent (RFC 6455 §7.4): use 1000-1003, 1007-1014 or 3000-4999` }]
      : [];
  },
  isFinal: () => true,
  // With afterForward the frame goes on to the next rules before the connection closes.
  endsFrame: (value) => !specOf(value).afterForward,
  compile(value) {
    const d = specOf(value);
    return (c) => {
      const { session, ruleId } = c;
      if (!d.afterForward) c.msg.drop(ruleId, `connection ${d.reset ? 'reset' : 'closed'} by rule ${ruleId}`);
      const close = (): void => {
        if (d.reset) session.terminate(ruleId);
        else session.close(d.code ?? 1000, d.reason ?? `closed by rule ${ruleId}`, ruleId);
      };
      // Closed from a timer, never inside the relay's hook, once every rule ran: the frame (when forwarded)
      // goes out first, after whatever delay holds it.
      c.env.later(session, 0, () => c.env.later(session, c.msg.ruleDelayMs, close));
    };
  },
  explain(value, s) {
    const d = specOf(value);
    const how = d.reset ? 'resets the connection (no close frame)' : `closes the connection (${d.code ?? 1000}${d.reason ? ` "${d.reason}"` : ''})`;
    return `${how} ${d.afterForward ? `right after forwarding ${s}` : `instead of forwarding ${s}`}`;
  },
};
