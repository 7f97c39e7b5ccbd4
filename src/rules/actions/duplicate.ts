/** `duplicate: true | n | { count, delayMs }`: send copies after the frame; extra answers to a copied CALL are swallowed. */
import { held, flush, type ActionSpec } from './action-spec.js';

export interface DuplicateSpec {
  /** How many extra copies (default 1). */
  count?: number;
  /** How long after the original each copy follows (ms, default 0). */
  delayMs?: number;
}

const specOf = (value: true | number | DuplicateSpec): DuplicateSpec =>
  value === true ? {} : typeof value === 'number' ? { count: value } : value;

export const duplicateAction: ActionSpec<true | number | DuplicateSpec> = {
  schema: {
    type: ['boolean', 'integer', 'object'],
    minimum: 1,
    maximum: 100,
    additionalProperties: false,
    properties: { count: { type: 'integer', minimum: 1, maximum: 100 }, delayMs: { type: 'integer', minimum: 0 } },
    if: { type: 'boolean' },
    then: { const: true },
  },
  isFinal: () => false,
  compile(value) {
    const d = specOf(value);
    const count = d.count ?? 1;
    const gap = d.delayMs ?? 0;
    return (c) => {
      flush(c);
      const frame = c.msg.frame;
      if (!frame) return;
      const { session, msg, ruleId } = c;
      const dir = msg.direction;
      if (frame.type === 2) c.env.swallowExtraAnswers(session, dir, frame.id, count, ruleId);
      // Copies follow the original: scheduled after it was written (or after the delay that holds it).
      for (let i = 1; i <= count; i++) {
        c.env.later(session, 0, () => session.inject(dir, frame, { origin: 'rule', by: ruleId, delayMs: held(c) + gap * i || undefined }));
      }
    };
  },
  explain(value, s) {
    const d = specOf(value);
    const n = d.count ?? 1;
    const gap = d.delayMs ? (n === 1 ? ` (the copy ${d.delayMs} ms later)` : ` (copies ${d.delayMs} ms apart)`) : '';
    return `sends ${s} ${n === 1 ? 'twice' : `${n + 1} times`}${gap}`;
  },
};
