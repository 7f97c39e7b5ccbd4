/** `inject: { toward, action, payload, delayMs }`: send a CALL of the rule's own after the frame; its answer is swallowed. */
import { randomUUID } from 'node:crypto';
import type { OcppFrame } from '../../core/types.js';
import { held, short, type ActionSpec } from './action-spec.js';

export interface InjectSpec {
  toward: 'csms' | 'station';
  action: string;
  payload?: Record<string, unknown>;
  /** Wait this long after the triggering frame before sending (ms). */
  delayMs?: number;
}

export const injectAction: ActionSpec<InjectSpec> = {
  schema: {
    type: 'object',
    required: ['toward', 'action'],
    additionalProperties: false,
    properties: {
      toward: { enum: ['csms', 'station'] },
      action: { type: 'string', minLength: 1 },
      payload: { $ref: '#/definitions/jsonObject' },
      delayMs: { type: 'integer', minimum: 0 },
    },
  },
  isFinal: () => false,
  compile: (spec) => (c) => {
    const { session, ruleId } = c;
    const frame: OcppFrame = { type: 2, id: randomUUID(), action: spec.action, payload: structuredClone(spec.payload ?? {}) };
    // Scheduled after the triggering frame (and whatever delay holds it, read once all rules ran), so e.g.
    // a TriggerMessage follows the BootNotification answer.
    c.env.later(session, 0, () =>
      session.inject(spec.toward === 'csms' ? 'to-csms' : 'to-station', frame, {
        origin: 'rule',
        by: ruleId,
        delayMs: held(c) + (spec.delayMs ?? 0) || undefined,
        onAnswer: (answer) => c.env.injectedAnswer(ruleId, session, answer),
      }),
    );
  },
  explain: (i, s) =>
    `injects a ${i.action} CALL${i.payload ? ` ${short(i.payload)}` : ''} toward the ${i.toward === 'csms' ? 'CSMS' : 'station'}${i.delayMs ? ` ${i.delayMs} ms` : ''} after ${s}`,
};
