/** `drop: true` or `{ reason }`: the frame is not forwarded (recorded as dropped, with the reason). */
import type { ActionSpec } from './action-spec.js';

export const dropAction: ActionSpec<true | { reason?: string }> = {
  schema: {
    type: ['boolean', 'object'],
    additionalProperties: false,
    properties: { reason: { type: 'string' } },
    if: { type: 'boolean' },
    then: { const: true },
  },
  isFinal: () => true,
  compile(value) {
    const reason = value === true ? undefined : value.reason;
    return (c) => c.msg.drop(c.ruleId, reason ?? `dropped by rule ${c.ruleId}`);
  },
  explain: (_value, s) => `drops ${s}`,
};
