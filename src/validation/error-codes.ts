/**
 * OCPP-J CALLERROR error codes per version, and which one answers which schema failure.
 *
 * 1.6: OCPP-J 1.6 §4.2.3 table 7. The 1.6 spelling is kept as published: `FormationViolation`,
 * `OccurenceConstraintViolation` (sic). 2.0.1: part 4 §4.3 table 8, which renames those two and adds
 * `RpcFrameworkError` and `MessageTypeNotSupported`. 2.1: the codes of 2.0.1 (part 4 of 2.1 keeps the table; it
 * uses them in CALLRESULTERROR too).
 */
import type { OcppVersion } from '../core/types.js';

export const ERROR_CODES_16 = [
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'PropertyConstraintViolation',
  'OccurenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
] as const;

export const ERROR_CODES_201 = [
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
] as const;

const CODES: Record<OcppVersion, ReadonlySet<string>> = {
  '1.6': new Set(ERROR_CODES_16),
  '2.0.1': new Set(ERROR_CODES_201),
  '2.1': new Set(ERROR_CODES_201),
};

export const errorCodes = (version: OcppVersion): readonly string[] => [...CODES[version]];

export const isKnownErrorCode = (version: OcppVersion, code: string): boolean => CODES[version].has(code);

/** The classes of schema failure OCPP-J tells apart. */
export type ViolationClass = 'occurrence' | 'type' | 'property' | 'format' | 'not-implemented' | 'generic';

/** Error code for a class of failure, in the spelling of `version`. */
export function errorCodeFor(version: OcppVersion, cls: ViolationClass): string {
  const v16 = version === '1.6';
  switch (cls) {
    case 'occurrence':
      return v16 ? 'OccurenceConstraintViolation' : 'OccurrenceConstraintViolation';
    case 'type':
      return 'TypeConstraintViolation';
    case 'property':
      return 'PropertyConstraintViolation';
    case 'format':
      return v16 ? 'FormationViolation' : 'FormatViolation';
    case 'not-implemented':
      return 'NotImplemented';
    case 'generic':
      return 'GenericError';
  }
}

/**
 * Which class a failed JSON-schema keyword belongs to.
 * - a missing field or a wrong number of array items breaks an occurrence constraint (cardinality);
 * - a wrong JSON type breaks a type constraint;
 * - a value outside its enum, length, pattern, format or range breaks a property constraint;
 * - a field the message does not define means the payload is not the PDU's structure: format (1.6: formation).
 */
export function violationClassOf(keyword: string): ViolationClass {
  switch (keyword) {
    case 'required':
    case 'minItems':
    case 'maxItems':
    case 'dependencies':
    case 'dependentRequired':
      return 'occurrence';
    case 'type':
      return 'type';
    case 'enum':
    case 'const':
    case 'maxLength':
    case 'minLength':
    case 'pattern':
    case 'format':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
    case 'uniqueItems':
      return 'property';
    case 'additionalProperties':
    case 'additionalItems':
    case 'unevaluatedProperties':
      return 'format';
    default:
      return 'generic';
  }
}
