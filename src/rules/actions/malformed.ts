/** `malformed: preset | { preset | text, replace }`: send text that is not a well-formed OCPP-J frame. */
import { flush, held, short, type ActionSpec } from './action-spec.js';

export const MALFORMED_PRESETS = ['truncated', 'trailing-garbage', 'not-array', 'bad-message-type', 'missing-element', 'payload-not-object', 'empty'] as const;
export type MalformedPreset = (typeof MALFORMED_PRESETS)[number];

export interface MalformedSpec {
  preset?: MalformedPreset;
  text?: string;
  /** true (default): the malformed text replaces the frame (final). false: it is sent in addition, before the frame. */
  replace?: boolean;
}

const specOf = (value: MalformedPreset | MalformedSpec): MalformedSpec => (typeof value === 'string' ? { preset: value } : value);

/** A preset turned into text, from the frame as it would be sent. */
export function malformedText(preset: MalformedPreset, text: string): string {
  const arr = (() => {
    try {
      const v: unknown = JSON.parse(text);
      return Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  })();
  switch (preset) {
    case 'truncated':
      return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    case 'trailing-garbage':
      return `${text} }]#`;
    case 'not-array':
      return arr ? JSON.stringify({ ...arr }) : `{${text}}`;
    case 'bad-message-type':
      return arr ? JSON.stringify([7, ...arr.slice(1)]) : `[7${text.slice(2)}`;
    case 'missing-element':
      return arr ? JSON.stringify(arr.slice(0, -1)) : text;
    case 'payload-not-object':
      return arr ? JSON.stringify([...arr.slice(0, -1), 'payload']) : text;
    case 'empty':
      return '';
  }
}

export const malformedAction: ActionSpec<MalformedPreset | MalformedSpec> = {
  schema: {
    type: ['string', 'object'],
    additionalProperties: false,
    minProperties: 1,
    properties: { preset: { enum: [...MALFORMED_PRESETS] }, text: { type: 'string' }, replace: { type: 'boolean' } },
    if: { type: 'string' },
    then: { enum: [...MALFORMED_PRESETS] },
  },
  check: (value) => {
    const m = specOf(value);
    return typeof value === 'object' && (m.preset === undefined) === (m.text === undefined)
      ? [{ path: [], message: 'give either "preset" or "text" (exactly one)' }]
      : [];
  },
  isFinal: (value) => specOf(value).replace !== false,
  compile(value) {
    const m = specOf(value);
    return (c) => {
      flush(c);
      const text = m.text ?? malformedText(m.preset!, c.msg.text);
      if (m.replace === false) {
        c.session.inject(c.msg.direction, text, { origin: 'rule', by: c.ruleId, delayMs: held(c) || undefined });
      } else {
        c.msg.replaceText(text, c.ruleId);
      }
    };
  },
  explain(value, s) {
    const m = specOf(value);
    const what = m.preset ? `a malformed frame (${m.preset})` : `the text ${short(m.text)}`;
    return m.replace === false ? `sends ${what} before ${s}` : `replaces ${s} with ${what}`;
  },
};
