/**
 * Turns Ajv's errors into ValidationIssues an engineer reads at a glance: the JSON Pointer of the field, what is
 * wrong with it, and the schema rule in parentheses, e.g.
 *   /chargingStation/vendorName: longer than 50 characters (maxLength)
 *   /status: "Acceptd" is not one of Accepted, Rejected, Pending (enum)
 */
import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from '../core/types.js';

/** Beyond this many issues a payload is reported as "and N more" (bounds the work on hostile payloads). */
export const MAX_ISSUES = 25;
const MAX_SHOWN = 40;
const MAX_ENUM_SHOWN = 12;

const escapePointer = (key: string): string => (/[~/]/.test(key) ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);

/** The value at a JSON Pointer (RFC 6901) inside `root`, or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    if (typeof node !== 'object' || node === null) return undefined;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A value shown short: strings quoted, long ones cut. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** Field names whose values are secrets (2.0.1 apnPassword, 1.6 security extension, vendor fields). */
const SECRET_FIELD = /pass(word|phrase)?|secret|private/i;
/** Configuration keys / device-model variables that hold secrets: 1.6 AuthorizationKey, 2.0.1 BasicAuthPassword. */
const SECRET_SETTING = /authorizationkey|password|passphrase|secret/i;

/**
 * Whether the value at `pointer` must not be shown: a secret field, or the value of a 1.6 ChangeConfiguration /
 * 2.0.1 SetVariables entry that sets a secret. Issues end up in logs, the store and the live view.
 */
export function isSecret(payload: unknown, pointer: string): boolean {
  const cut = pointer.lastIndexOf('/');
  const field = pointer.slice(cut + 1);
  if (SECRET_FIELD.test(field)) return true;
  if (field !== 'value' && field !== 'attributeValue') return false;
  const parent = valueAt(payload, pointer.slice(0, cut)) as { key?: unknown; variable?: { name?: unknown } } | undefined;
  const setting = parent?.key ?? parent?.variable?.name;
  return typeof setting === 'string' && SECRET_SETTING.test(setting);
}

const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

function describe(err: ErrorObject, payload: unknown): { path: string; text: string } {
  const path = err.instancePath;
  const secret = isSecret(payload, path);
  const shown = (): string => (secret ? '[redacted]' : show(valueAt(payload, path)));
  const count = (): number => (valueAt(payload, path) as unknown[] | undefined)?.length ?? 0;
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return { path: `${path}/${escapePointer(String(p.missingProperty))}`, text: 'required field missing' };
    case 'additionalProperties':
      return { path: `${path}/${escapePointer(String(p.additionalProperty))}`, text: 'field not defined for this message' };
    case 'type': {
      const actual = valueAt(payload, path);
      return { path, text: `must be ${String(p.type)}, got ${jsonType(actual)}${secret ? '' : ` ${show(actual)}`}` };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const list = allowed.length > MAX_ENUM_SHOWN
        ? `${allowed.slice(0, MAX_ENUM_SHOWN).join(', ')}, … (${allowed.length} values)`
        : allowed.join(', ');
      return { path, text: `${shown()} is not one of ${list}` };
    }
    case 'maxLength':
      return { path, text: `longer than ${String(p.limit)} characters` };
    case 'minLength':
      return { path, text: `shorter than ${String(p.limit)} characters` };
    case 'format':
      return { path, text: `${shown()} is not a valid ${String(p.format)}` };
    case 'pattern':
      return { path, text: `${shown()} does not match ${String(p.pattern)}` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return { path, text: `${shown()} must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'multipleOf':
      return { path, text: `${shown()} is not a multiple of ${String(p.multipleOf)}` };
    case 'minItems':
      return { path, text: `has ${count()} items, fewer than ${String(p.limit)}` };
    case 'maxItems':
      return { path, text: `has ${count()} items, more than ${String(p.limit)}` };
    default:
      return { path, text: err.message ?? 'invalid' };
  }
}

/** Ajv errors → issues, in Ajv's order (schema order), at most MAX_ISSUES. */
export function toIssues(errors: readonly ErrorObject[], payload: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const err of errors) {
    if (issues.length === MAX_ISSUES) {
      const rest = errors.length - MAX_ISSUES;
      issues.push({ path: '', rule: 'truncated', message: `… and ${rest} more problem${rest === 1 ? '' : 's'}` });
      break;
    }
    const { path, text } = describe(err, payload);
    issues.push({ path, rule: err.keyword, message: `${path || '(payload)'}: ${text} (${err.keyword})` });
  }
  return issues;
}
