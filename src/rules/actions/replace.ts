/** `replace: {...}`: a new payload altogether. */
import { short, type ActionSpec } from './action-spec.js';

export const replaceAction: ActionSpec<Record<string, unknown>> = {
  schema: { $ref: '#/definitions/jsonObject' },
  isFinal: () => false,
  compile: (value) => (c) => {
    c.payload = structuredClone(value);
    c.dirty = true;
  },
  explain: (value, s) => `replaces the payload of ${s} with ${short(value)}`,
};
