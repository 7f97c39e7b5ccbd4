/** `delete: /pointer` (or a list): remove values from the payload. */
import { deleteAt, pointerSegments } from '../json-pointer.js';
import { edit, listOf, type ActionSpec } from './action-spec.js';

export const deleteAction: ActionSpec<string | string[]> = {
  schema: { type: ['string', 'array'], pattern: '^/', minItems: 1, items: { $ref: '#/definitions/pointer' } },
  isFinal: () => false,
  compile(value) {
    const all = listOf(value).map(pointerSegments);
    return edit((payload) => all.forEach((segs) => deleteAt(payload, segs)));
  },
  explain: (value, s) => `deletes ${listOf(value).join(', ')} from ${s}`,
};
