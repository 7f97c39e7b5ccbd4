import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isDateTime } from '../../src/validation/date-time-format.js';
import { createValidator } from '../../src/validation/validator.js';

const reference = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;

test('agrees with ajv-formats on hand-picked edge cases', () => {
  const cases = [
    '2024-02-29T12:00:00Z', // leap year
    '2023-02-29T12:00:00Z', // not a leap year
    '1900-02-29T00:00:00Z', // century, not leap
    '2000-02-29T00:00:00Z', // 400-year leap
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T23:60:00Z',
    '2024-01-01T23:59:60Z', // leap second, UTC
    '2024-01-01T23:59:61Z',
    '2024-01-01T22:59:60Z',
    '2024-01-01T00:59:60+01:00', // leap second at 23:59:60 UTC
    '2024-01-01T18:29:60-05:30',
    '2024-01-01T12:00:00',  // no zone
    '2024-01-01 12:00:00Z', // space separator
    '2024-01-01t12:00:00z',
    '2024-01-01T12:00:00.123456789+05:30',
    '2024-01-01T12:00:00.+05:30',
    '2024-01-01T12:00:00+0530',
    '2024-01-01T12:00:00+05',
    '2024-01-01T12:00:00+24:00',
    '2024-01-01T12:00:00+05:60',
    '2024-01-01T12:00:00+05:3',
    '2024-01-01TT12:00:00Z',
    '2024-1-01T12:00:00Z',
    ' 2024-01-01T12:00:00Z',
    '2024-01-01T12:00:00Z ',
    '2024-01-01\u00a012:00:00Z', // a Unicode space separates like ajv's \s
    '',
    'not a date',
  ];
  for (const c of cases) assert.equal(isDateTime(c), reference(c), JSON.stringify(c));
});

test('agrees with ajv-formats on 50,000 random near-valid timestamps', () => {
  let seed = 42;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor(seed / 65536) % n);
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const zones = ['Z', 'z', '', '+00:00', '-05:30', '+0530', '+05', '+24:00', '-23:59', '+12:60', '+1', '+05:3'];
  const seps = ['T', 't', ' ', '_', 'TT'];
  let valid = 0;
  for (let i = 0; i < 50_000; i++) {
    const s =
      `${pad(rand(3000), 4)}-${pad(rand(14), 2)}-${pad(rand(33), 2)}${seps[rand(seps.length)]}` +
      `${pad(rand(26), 2)}:${pad(rand(62), 2)}:${pad(rand(62), 2)}${rand(3) === 0 ? '.' + rand(1000) : ''}${zones[rand(zones.length)]}`;
    const expected = reference(s);
    if (expected) valid++;
    assert.equal(isDateTime(s), expected, s);
  }
  assert.ok(valid > 5_000, `the sample should hold many valid timestamps, held ${valid}`);
});

test('the validator uses it: a bad date in a 2.0.1 frame fails on format', () => {
  const validator = createValidator();
  const ok = validator.validate('2.0.1', 'response', 'Heartbeat', { currentTime: '2024-02-29T12:00:00Z' });
  const bad = validator.validate('2.0.1', 'response', 'Heartbeat', { currentTime: '2023-02-29T12:00:00Z' });
  assert.equal(ok.valid, true);
  assert.equal(bad.valid, false);
  assert.match(JSON.stringify(bad.issues), /date-time/);
});
