/** `ocpp-mitm start` as a process: it relays, and SIGTERM closes every session with 1001 and exits 0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRawStation, startCsms } from '../support/ocpp-peers.js';
import { runCli } from '../support/cli-process.js';

test('start relays a station and SIGTERM closes both legs with 1001, then exits 0', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-cli-'));
  const run = runCli(['start', '--listen', '127.0.0.1:0', '--upstream', csms.url, '--data', data, '--log-format', 'json']);
  const line = await run.waitFor(/listening on ws:\/\/127\.0\.0\.1:\d+/);
  const url = line.replace('listening on ', '');
  const raw = await connectRawStation(`${url}/ocpp/CLI-1`);
  raw.send(JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }]));
  assert.equal((await raw.next())[2].status, 'Accepted');
  const client = await csms.waitForClient('CLI-1');
  const csmsClosed = once(client as any, 'close');
  const stationClosed = once(raw.ws, 'close');
  run.proc.kill('SIGTERM');
  assert.equal((await stationClosed)[0], 1001);
  assert.equal((await csmsClosed)[0].code, 1001);
  const { code } = await run.exited;
  assert.equal(code, 0);
  assert.match(run.stderr(), /SIGTERM/);
  await csms.close();
});

test('--help lists the commands; a bad --upstream is a clear error and exit 1', async () => {
  const help = runCli(['--help']);
  await help.exited;
  for (const cmd of ['start']) assert.match(help.stdout(), new RegExp(`\\b${cmd}\\b`));
  const bad = runCli(['start', '--listen', '127.0.0.1:0', '--upstream', 'http://nope']);
  const { code } = await bad.exited;
  assert.equal(code, 1);
  assert.match(bad.stderr(), /--upstream must be a ws:\/\/ or wss:\/\/ URL/);
  const missing = runCli(['start', '--listen', '127.0.0.1:0']);
  assert.equal((await missing.exited).code, 1);
  assert.match(missing.stderr(), /--upstream <url> is required/);
});
