/** `set: { /pointer: value }`: write values into the payload. */
import { pointerSegments, setAt } from '../json-pointer.js';
import { edit, short, type ActionSpec } from './action-spec.js';

export const setAction: ActionSpec<Record<string, unknown>> = {
  schema: { type: 'object', minProperties: 1, propertyNames: { $ref: '#/definitions/pointer' } },
  isFinal: () => false,
  compile(value) {
    const sets = Object.entries(value).map(([p, v]) => ({ segs: pointerSegments(p), v }));
    return edit((payload) => sets.forEach(({ segs, v }) => setAt(payload, segs, structuredClone(v))));
  },
  explain: (value, s) => `sets ${Object.entries(value).map(([p, v]) => `${p} to ${short(v)}`).join(', ')} in ${s}`,
};
