/** `rename: { /pointer: newKey }`: rename keys in the payload. */
import { pointerSegments, renameAt } from '../json-pointer.js';
import { edit, type ActionSpec } from './action-spec.js';

export const renameAction: ActionSpec<Record<string, string>> = {
  schema: {
    type: 'object',
    minProperties: 1,
    propertyNames: { $ref: '#/definitions/pointer' },
    additionalProperties: { type: 'string', minLength: 1 },
  },
  check: (value) =>
    Object.entries(value)
      .filter(([, name]) => name.includes('/'))
      .map(([ptr, name]) => ({ path: [ptr], message: `the new name "${name}" is a key name, not a pointer: drop the "/"` })),
  isFinal: () => false,
  compile(value) {
    const all = Object.entries(value).map(([p, name]) => ({ segs: pointerSegments(p), name }));
    return edit((payload) => all.forEach(({ segs, name }) => renameAt(payload, segs, name)));
  },
  explain: (value, s) => `renames ${Object.entries(value).map(([p, n]) => `${p} to "${n}"`).join(', ')} in ${s}`,
};
