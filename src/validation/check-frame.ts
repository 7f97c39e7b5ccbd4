/**
 * The verdict on one OCPP-J frame: which schema applies (a CALL by its action, an answer by the action of the
 * CALL it answers) and whether the payload meets it; for a CALLERROR, whether its error code exists in the
 * version; on 2.1, a SEND by its action's schema and a CALLRESULTERROR as a CALLERROR. Pure functions: the addon decides what to do with the verdict.
 */
import type { MalformedInfo, OcppFrame, OcppVersion, ValidationIssue, ValidationResult } from '../core/types.js';
import { errorForMalformed } from '../core/frame-codec.js';
import { errorCodeFor, errorCodes, isKnownErrorCode, violationClassOf } from './error-codes.js';
import type { OcppValidator } from './validator.js';

const other = (v: OcppVersion): OcppVersion => (v === '1.6' ? '2.0.1' : '1.6');



const fail = (issue: ValidationIssue, errorCode?: string): ValidationResult => ({ valid: false, errorCode, issues: [issue] });

/**
 * @param action for a CALLRESULT, the action of the CALL it answers (undefined when it answers none).
 */
export function checkFrame(validator: OcppValidator, version: OcppVersion, frame: OcppFrame, action: string | undefined): ValidationResult {
  try {
    return verdictOn(validator, version, frame, action);
  } catch (err) {
    // A payload the validator cannot read (e.g. one that overflows its stack) is not valid: fail closed, so enforce refuses it.
    const code = version === '1.6' ? 'FormationViolation' : 'FormatViolation';
    return fail({ path: '', rule: 'unreadable', message: `the payload could not be checked: ${(err as Error).message}` }, code);
  }
}

function verdictOn(validator: OcppValidator, version: OcppVersion, frame: OcppFrame, action: string | undefined): ValidationResult {
  switch (frame.type) {
    case 2:
      return validator.validate(version, 'request', frame.action, frame.payload);
    case 3:
      if (action === undefined) {
        return fail({
          path: '',
          rule: 'unmatched',
          message: `answer "${frame.id}" matches no CALL waiting for an answer, so no schema applies`,
        });
      }
      return validator.validate(version, 'response', action, frame.payload);
    case 4:
    case 5:
      return checkCallError(version, frame.code, frame.details, frame.description);
    case 6:
      return validator.validate(version, 'request', frame.action, frame.payload);
  }
}

/**
 * A CALLERROR (or 2.1 CALLRESULTERROR) has no schema: its error code must come from the version's table, its
 * details be an object, and from 2.0.1 on its description fit string[255] (part 4 §4.2.3).
 */
export function checkCallError(version: OcppVersion, code: string, details: unknown, description = ''): ValidationResult {
  const issues: ValidationIssue[] = [];
  if (!isKnownErrorCode(version, code)) {
    const hint = isKnownErrorCode(other(version), code) ? ` (that is the OCPP ${other(version)} spelling)` : '';
    issues.push({
      path: '',
      rule: 'error-code',
      message: `"${code}" is not an OCPP ${version} error code${hint}; one of ${errorCodes(version).join(', ')}`,
    });
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    issues.push({ path: '', rule: 'error-details', message: 'errorDetails must be a JSON object ({} when there are none)' });
  }
  if (version !== '1.6' && description.length > 255) {
    issues.push({ path: '', rule: 'maxLength', message: `errorDescription: longer than 255 characters (maxLength)` });
  }
  return { valid: issues.length === 0, issues };
}

/** The verdict on a frame the proxy writes that is not OCPP-J at all (a rule sent garbage on purpose). */
export function malformedResult(info: MalformedInfo, version: OcppVersion): ValidationResult {
  return fail({ path: '', rule: 'malformed', message: `not an OCPP-J frame: ${info.detail}` }, errorForMalformed(info, version).code);
}

/** Frames on a leg with no OCPP subprotocol are not checked: valid, with a note saying why. */
export function notChecked(subprotocol: string): ValidationResult {
  const why = subprotocol ? `subprotocol "${subprotocol}" is no OCPP version` : 'no subprotocol was agreed';
  return { valid: true, issues: [{ path: '', rule: 'not-checked', message: `not schema-checked: ${why}` }] };
}

/** The error code a receiver in `version` answers for this verdict (the verdict may come from the other version). */
export function errorCodeIn(version: OcppVersion, result: ValidationResult): string {
  const rule = result.issues[0]?.rule;
  if (rule === 'unknown-action') return errorCodeFor(version, 'not-implemented');
  return errorCodeFor(version, rule ? violationClassOf(rule) : 'generic');
}
