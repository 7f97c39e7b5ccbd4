/** `delay: ms` or `{ ms, jitter }`: hold the frame; the time is recorded as added on purpose, never charged to a peer. */
import type { ActionSpec } from './action-spec.js';

export type DelayValue = number | { ms: number; jitter?: number };

export const delayAction: ActionSpec<DelayValue> = {
  schema: {
    type: ['integer', 'object'],
    minimum: 0,
    required: ['ms'],
    additionalProperties: false,
    properties: { ms: { type: 'integer', minimum: 0 }, jitter: { type: 'integer', minimum: 0 } },
  },
  isFinal: () => false,
  compile(value) {
    const { ms, jitter = 0 } = typeof value === 'number' ? { ms: value } : value;
    return (c) => {
      // Jitter is drawn even when 0 would do, so adding jitter later never shifts other draws.
      const d = jitter ? Math.max(0, Math.round(ms + (c.env.random() * 2 - 1) * jitter)) : ms;
      c.msg.delay(d, c.ruleId);
    };
  },
  explain(value, s) {
    const d = typeof value === 'number' ? { ms: value } : value;
    return `delays ${s} by ${d.ms}${d.jitter ? `±${d.jitter}` : ''} ms`;
  },
};
