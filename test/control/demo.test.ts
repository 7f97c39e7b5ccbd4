/**
 * `ocpp-mitm demo --no-tui --duration S`, run as a user runs it: the CLI, every built-in feature (embedded
 * store included), a simulated CSMS and stations of both versions, one line per event, stopping by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FEATURES } from '../../src/features.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

test('ocpp-mitm demo --no-tui: both OCPP versions, an invalid frame, a rule, then it stops by itself and says where its data is', async (t) => {
  const data = join(await mkdtemp(join(tmpdir(), 'ocpp-mitm-demo-test-')), 'demo data');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--no-tui', '--duration', '6', '--stations', '4', '--data', data], {
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
  // It ends saying so, keeps its recording, and says how to read it.
  const end = lines.slice(lines.indexOf('demo: stopped'));
  assert.equal(end[0], 'demo: stopped');
  assert.match(end[1]!, new RegExp(`^demo: what it recorded stays in "${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  assert.ok(end.some((l) => l.includes(`npx ocpp-mitm report --data "${data}"`)));
  assert.ok(existsSync(join(data, 'clickhouse')), 'the store is kept');
  const report = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'report', '--data', data, '--format', 'json'], { cwd: ROOT, timeout: 60_000 });
  assert.ok((JSON.parse(report.stdout) as unknown[]).length > 0, 'report finds what the demo recorded');
  await rm(dirname(data), { recursive: true, force: true });
});
