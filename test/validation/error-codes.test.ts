import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCallError, errorCodeIn } from '../../src/validation/check-frame.js';
import { errorCodeFor, errorCodes, isKnownErrorCode, violationClassOf } from '../../src/validation/error-codes.js';

test('1.6 error codes as OCPP-J 1.6 §4.2.3 spells them', () => {
  assert.equal(errorCodes('1.6').length, 10);
  for (const code of ['NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation',
    'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation', 'GenericError']) {
    assert.ok(isKnownErrorCode('1.6', code), code);
  }
  for (const code of ['FormatViolation', 'OccurrenceConstraintViolation', 'RpcFrameworkError', 'MessageTypeNotSupported']) {
    assert.equal(isKnownErrorCode('1.6', code), false, `${code} is 2.0.1 only`);
  }
});

test('2.0.1 error codes as part 4 §4.3 spells them', () => {
  assert.equal(errorCodes('2.0.1').length, 12);
  for (const code of ['FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported',
    'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError', 'SecurityError', 'TypeConstraintViolation']) {
    assert.ok(isKnownErrorCode('2.0.1', code), code);
  }
  for (const code of ['FormationViolation', 'OccurenceConstraintViolation', 'formatviolation', '']) {
    assert.equal(isKnownErrorCode('2.0.1', code), false, code);
  }
});

test('schema keywords map to the violation the spec describes', () => {
  const table: Array<[string, string, string]> = [
    ['required', 'OccurenceConstraintViolation', 'OccurrenceConstraintViolation'],
    ['minItems', 'OccurenceConstraintViolation', 'OccurrenceConstraintViolation'],
    ['type', 'TypeConstraintViolation', 'TypeConstraintViolation'],
    ['enum', 'PropertyConstraintViolation', 'PropertyConstraintViolation'],
    ['maxLength', 'PropertyConstraintViolation', 'PropertyConstraintViolation'],
    ['pattern', 'PropertyConstraintViolation', 'PropertyConstraintViolation'],
    ['format', 'PropertyConstraintViolation', 'PropertyConstraintViolation'],
    ['minimum', 'PropertyConstraintViolation', 'PropertyConstraintViolation'],
    ['multipleOf', 'PropertyConstraintViolation', 'PropertyConstraintViolation'],
    ['additionalProperties', 'FormationViolation', 'FormatViolation'],
    ['somethingElse', 'GenericError', 'GenericError'],
  ];
  for (const [keyword, v16, v201] of table) {
    assert.equal(errorCodeFor('1.6', violationClassOf(keyword)), v16, keyword);
    assert.equal(errorCodeFor('2.0.1', violationClassOf(keyword)), v201, keyword);
    assert.ok(isKnownErrorCode('1.6', v16) && isKnownErrorCode('2.0.1', v201));
  }
});

test('a verdict made in one version is answered in the spelling of the other', () => {
  const verdict = { valid: false, errorCode: 'OccurenceConstraintViolation', issues: [{ path: '/idTag', rule: 'required', message: '' }] };
  assert.equal(errorCodeIn('2.0.1', verdict), 'OccurrenceConstraintViolation');
  assert.equal(errorCodeIn('1.6', { valid: false, issues: [{ path: '', rule: 'unknown-action', message: '' }] }), 'NotImplemented');
});

test('a CALLERROR with a code outside the version table is flagged, with a hint for the other spelling', () => {
  assert.deepEqual(checkCallError('1.6', 'NotSupported', {}), { valid: true, issues: [] });
  const r = checkCallError('1.6', 'FormatViolation', {});
  assert.equal(r.valid, false);
  assert.equal(r.issues[0]!.rule, 'error-code');
  assert.match(r.issues[0]!.message, /^"FormatViolation" is not an OCPP 1\.6 error code \(that is the OCPP 2\.0\.1 spelling\); one of NotImplemented, /);
  assert.match(checkCallError('2.0.1', 'Oops', {}).issues[0]!.message, /^"Oops" is not an OCPP 2\.0\.1 error code; one of /);
  assert.equal(checkCallError('2.0.1', 'GenericError', null).issues[0]!.rule, 'error-details');
  assert.equal(checkCallError('2.0.1', 'GenericError', {}, 'x'.repeat(256)).issues[0]!.message, 'errorDescription: longer than 255 characters (maxLength)');
  assert.equal(checkCallError('1.6', 'GenericError', {}, 'x'.repeat(256)).valid, true, '1.6 sets no length');
});
