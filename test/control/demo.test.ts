/**
 * `ocpp-mitm demo --no-tui --duration S`, run as a user runs it: the CLI, every built-in feature (embedded
 * store included), a simulated CSMS and stations of both versions, one line per event, stopping by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FEATURES } from '../../src/features.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

test('ocpp-mitm demo --no-tui: both OCPP versions, an invalid frame, a rule, then it stops by itself', async (t) => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--no-tui', '--duration', '6', '--stations', '4'], {
    cwd: ROOT,
    timeout: 90_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /^demo: proxy ws:\/\/127\.0\.0\.1:\d+ → CSMS ws:\/\/127\.0\.0\.1:\d+\/ocpp\/, control http:\/\/127\.0\.0\.1:\d+/);
  assert.ok(lines.some((l) => /\+ DEMO-16-1 connected \(OCPP 1\.6\)/.test(l)));
  assert.ok(lines.some((l) => /\+ DEMO-201-1 connected \(OCPP 2\.0\.1\)/.test(l)));
  assert.ok(lines.some((l) => /\+ DEMO-21-1 connected \(OCPP 2\.1\)/.test(l)), 'an OCPP 2.1 station takes part');
  assert.ok(lines.some((l) => /↑ DEMO-21-1 SEND NotifyPeriodicEventStream /.test(l)), 'its SENDs are shown as such');
  assert.ok(lines.some((l) => /↑ DEMO-21-1 CALL BootNotification/.test(l)));
  assert.deepEqual(lines.filter((l) => /DEMO-21-1 .*INVALID/.test(l)), [], 'the 2.1 station speaks valid 2.1');
  assert.ok(lines.some((l) => /↑ DEMO-201-2 CALL BootNotification/.test(l)));
  assert.ok(lines.some((l) => /↓ DEMO-16-2 RES BootNotification .* \d/.test(l)), 'answers carry their latency');
  assert.ok(lines.some((l) => /↑ DEMO-16-\d CALL Heartbeat/.test(l)));
  assert.ok(lines.some((l) => /DEMO-RAW-1 (CALL|BAD) .*INVALID/.test(l)), 'the raw station sends invalid frames');
  if (FEATURES.some((f) => f.name === 'rules')) assert.ok(lines.some((l) => /rule demo-slow-heartbeat-answer/.test(l)), 'the demo rule fires');
  else t.diagnostic('this build has no rules feature: the rule step was not checked');
  assert.ok(lines.some((l) => /- DEMO-16-1 closed by station 1000/.test(l)), 'stations leave cleanly');
  assert.equal(lines.at(-2), 'demo: stopped');
});
