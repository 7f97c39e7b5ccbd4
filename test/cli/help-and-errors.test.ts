/**
 * What a new user reads first: an unknown option says so in two lines (not the whole help); --help has examples,
 * marks what is required and states defaults; `--listen 0.0.0.0:P` is logged as every interface, not loopback;
 * pretty logs say each field once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../support/cli-process.js';
import { createLogger } from '../../src/log.js';

test('an unknown option: the error and one line pointing at --help, exit 1', async () => {
  const run = runCli(['start', '--upstrem', 'ws://x']);
  assert.equal((await run.exited).code, 1);
  const lines = run.stderr().trim().split('\n');
  assert.match(lines[0]!, /unknown option '--upstrem'/);
  assert.ok(lines.length <= 3, run.stderr());
  assert.match(run.stderr(), /--help/);
  assert.doesNotMatch(run.stderr(), /Options:/);
});

test('start --help: examples, the required option marked, defaults stated', async () => {
  const run = runCli(['start', '--help']);
  await run.exited;
  const help = run.stdout().replace(/\s+/g, ' '); // wrapped to the terminal's width
  assert.match(help, /Examples: ocpp-mitm start --upstream ws:\/\//);
  assert.match(help, /--upstream <url> \(required\)/);
  assert.match(help, /--max-depth <levels> [^-]*\(default: 64\)/);
  assert.match(help, /--listen <host:port> where stations connect \(default: "0\.0\.0\.0:9000"\)/);
});

test('--listen 0.0.0.0:P is logged as every interface on P, not as 127.0.0.1', async () => {
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-listen-'));
  const run = runCli(['start', '--listen', '0.0.0.0:0', '--upstream', 'ws://127.0.0.1:9/ocpp', '--data', data, '--no-store', '--log-format', 'json']);
  try {
    const line = await run.waitFor(/listening on \S+ \(every interface\)/);
    assert.match(line, /listening on ws:\/\/0\.0\.0\.0:\d+ \(every interface\)/);
    assert.doesNotMatch(run.stderr(), /listening on ws:\/\/127\.0\.0\.1/);
  } finally {
    run.proc.kill('SIGTERM');
    await run.exited;
  }
});

test('pretty logs: one line, fields the message already says are not repeated', () => {
  let out = '';
  const destination = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
  const log = createLogger({ format: 'pretty', destination });
  log.info({ station: 'CP-1', remote: '10.0.0.7', protocol: 'ocpp1.6' }, 'station CP-1 connected');
  log.warn({ err: new Error('socket hang up'), station: 'CP-2' }, 'CSMS leg failed');
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 2, out);
  assert.match(lines[0]!, /INFO: station CP-1 connected {2}remote=10\.0\.0\.7 protocol=ocpp1\.6$/);
  assert.equal(lines[0]!.split('CP-1').length - 1, 1, 'the identity once');
  assert.match(lines[1]!, /WARN: CSMS leg failed: socket hang up {2}station=CP-2$/);
});
