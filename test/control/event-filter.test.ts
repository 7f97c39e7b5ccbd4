/** The filter language shared by the live view's `/` and the stream's `?filter=`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, type EventFilter } from '../../src/control/event-filter.js';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { call, result, session } from '../tui/records.js';

const f = (text: string): EventFilter => {
  const p = parseFilter(text);
  if (!p.ok) throw new Error(p.error);
  return p.filter;
};

const boot = call('CP-01', 'BootNotification', {});
const bootRes = result(boot, { status: 'Accepted' });
const bad: MessageRecord = { ...call('CP-02', 'StatusNotification', {}), valid: false, ruleIds: ['slow-1'], modified: true, version: '2.0.1' };
const err: MessageRecord = { ...result(boot, {}), kind: 'CALLERROR', origin: 'operator' };

test('terms: station glob, action (answers match their CALL), direction, kind, flags, rule, version', () => {
  assert.ok(f('station:CP-0*').matchRecord(boot));
  assert.ok(!f('station:CP-1*').matchRecord(boot));
  assert.ok(f('s:cp-01').matchRecord(boot), 'case-insensitive');
  assert.ok(f('action:Boot*').matchRecord(bootRes), 'an answer matches the action of its CALL');
  assert.ok(f('dir:up').matchRecord(boot) && f('dir:down').matchRecord(bootRes) && !f('dir:to-station').matchRecord(boot));
  assert.ok(f('kind:result').matchRecord(bootRes) && !f('kind:call').matchRecord(bootRes));
  assert.ok(f('invalid').matchRecord(bad) && !f('is:invalid').matchRecord(boot));
  assert.ok(f('is:modified rule:slow-*').matchRecord(bad));
  assert.ok(f('rule:*').matchRecord(bad) && !f('rule:*').matchRecord(boot));
  assert.ok(f('is:error is:injected').matchRecord(err));
  assert.ok(f('version:2.0.1').matchRecord(bad) && !f('v:1.6').matchRecord(bad));
  assert.ok(f('status').matchRecord(bad), 'a bare word looks in identity and action');
});

test('terms combine with AND, ! and - negate', () => {
  assert.ok(f('station:CP-* !invalid').matchRecord(boot));
  assert.ok(!f('station:CP-* !invalid').matchRecord(bad));
  assert.ok(f('-action:Heartbeat').matchRecord(boot));
  assert.ok(f('').empty && f('  ').matchRecord(bad));
});

test('events that are not frames are judged on their station only', () => {
  const open = { type: 'session-open' as const, session: session('CP-01') };
  assert.ok(f('station:CP-01 action:Heartbeat').matchEvent(open));
  assert.ok(!f('station:CP-02').matchEvent(open));
  assert.ok(f('!station:CP-02').matchEvent(open));
  const relayWide = { type: 'notice' as const, level: 'info' as const, source: 'rules', text: 'reloaded' };
  assert.ok(f('is:invalid').matchEvent(relayWide));
  assert.ok(!f('station:CP-01').matchEvent(relayWide), 'a station filter hides relay-wide notices');
});

test('errors say what is wrong, in words', () => {
  const cases: Array<[string, RegExp]> = [
    ['dir:left', /dir is up \(to-csms\) or down \(to-station\), not 'left'/],
    ['colour:red', /unknown key 'colour:' \(use station, action, dir, kind, rule, is, version\)/],
    ['station:', /'station:' needs a value/],
    ['is:purple', /is: takes invalid, valid, modified/],
    ['kind:x', /kind is call, result, error, resulterror, send or malformed/],
    ['version:3', /version is 1\.6, 2\.0\.1 or 2\.1/],
    ['!', /negates nothing/],
  ];
  for (const [text, re] of cases) {
    const p = parseFilter(text);
    assert.equal(p.ok, false, text);
    assert.match((p as { error: string }).error, re);
  }
});
