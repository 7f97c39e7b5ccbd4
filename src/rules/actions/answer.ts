/** `answer: { payload } | { error }`: answer a CALL in the receiver's place with a CALLRESULT or CALLERROR. */
import { opposite, speaksTypes5And6, type OcppFrame } from '../../core/types.js';
import { held, short, type ActionSpec } from './action-spec.js';

export interface AnswerSpec {
  /** Answer with a CALLRESULT carrying this payload. */
  payload?: Record<string, unknown>;
  /** Or with a CALLERROR; matched on a 2.1 CALLRESULT: refuse it with a CALLRESULTERROR toward its sender. */
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
  check: (ans, { matchType }) =>
    matchType && matchType !== 'CALL' && !(matchType === 'CALLRESULT' && ans.error !== undefined)
      ? [
          {
            path: [],
            atStep: true,
            message: `"answer" answers a CALL, but this rule matches ${matchType}s: set match.type to CALL (or, to refuse an OCPP 2.1 CALLRESULT, match CALLRESULT and answer with "error")`,
          },
        ]
      : [],
  isFinal: () => true,
  compile: (ans) => (c) => {
    const call = c.msg.frame;
    if (call?.type === 3 && ans.error && speaksTypes5And6(c.msg.senderVersion)) {
      // 2.1: refuse the CALLRESULT as its receiver would, with a CALLRESULTERROR to its sender; the CALLRESULT
      // goes no further (its caller times out, as it would had the receiver refused it).
      const refusal: OcppFrame = { type: 5, id: call.id, code: ans.error.code, description: ans.error.description ?? '', details: structuredClone(ans.error.details ?? {}) };
      c.session.inject(opposite(c.msg.direction), refusal, { origin: 'rule', by: c.ruleId, delayMs: held(c) || undefined, action: c.msg.action });
      c.msg.drop(c.ruleId, `CALLRESULT refused with a CALLRESULTERROR by rule ${c.ruleId}`);
      return;
    }
    if (call?.type !== 2) return; // only a CALL can be answered (and, on 2.1, a CALLRESULT refused)
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
