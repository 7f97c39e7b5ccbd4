/** `answer: { payload } | { error }`: answer a CALL in the receiver's place with a CALLRESULT or CALLERROR. */
import { opposite, type OcppFrame } from '../../core/types.js';
import { held, short, type ActionSpec } from './action-spec.js';

export interface AnswerSpec {
  /** Answer with a CALLRESULT carrying this payload. */
  payload?: Record<string, unknown>;
  /** Or with a CALLERROR. */
  error?: { code: string; description?: string; details?: Record<string, unknown> };
}

export const answerAction: ActionSpec<AnswerSpec> = {
  schema: {
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
    properties: {
      payload: { $ref: '#/definitions/jsonObject' },
      error: {
        type: 'object',
        required: ['code'],
        additionalProperties: false,
        properties: { code: { type: 'string', minLength: 1 }, description: { type: 'string' }, details: { $ref: '#/definitions/jsonObject' } },
      },
    },
  },
  check: (_value, { matchType }) =>
    matchType && matchType !== 'CALL'
      ? [{ path: [], atStep: true, message: `"answer" answers a CALL, but this rule matches ${matchType}s: set match.type to CALL` }]
      : [],
  isFinal: () => true,
  compile: (ans) => (c) => {
    const call = c.msg.frame;
    if (call?.type !== 2) return; // only a CALL can be answered
    const frame: OcppFrame = ans.error
      ? { type: 4, id: call.id, code: ans.error.code, description: ans.error.description ?? '', details: structuredClone(ans.error.details ?? {}) }
      : { type: 3, id: call.id, payload: structuredClone(ans.payload ?? {}) };
    c.session.inject(opposite(c.msg.direction), frame, { origin: 'rule', by: c.ruleId, delayMs: held(c) || undefined, action: call.action });
    c.msg.drop(c.ruleId, `answered by rule ${c.ruleId} instead of forwarding`);
  },
  explain(ans, s) {
    const what = ans.error
      ? `a CALLERROR ${ans.error.code}${ans.error.description ? ` ("${ans.error.description}")` : ''}`
      : `a CALLRESULT ${short(ans.payload)}`;
    return `answers ${s} with ${what} instead of forwarding them`;
  },
};
