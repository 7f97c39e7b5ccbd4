/**
 * A data folder in use by another proxy: the second `start` stops at once with one line naming the proxy process
 * that holds it (not its store helper), instead of ClickHouse "Cannot lock file" lines for seconds. A lock left by
 * a process that is gone is taken over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../support/cli-process.js';
import { lockDataDir } from '../../src/commands/data-lock.js';

test('a second proxy on the same data folder: one line at once, naming the first proxy\'s pid', async () => {
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-lock-'));
  const args = ['start', '--listen', '127.0.0.1:0', '--upstream', 'ws://127.0.0.1:9/ocpp', '--data', data, '--log-format', 'json'];
  const first = runCli(args);
  try {
    await first.waitFor(/listening on/, 30_000);
    const t0 = Date.now();
    const second = runCli(args);
    const { code } = await second.exited;
    const took = Date.now() - t0;
    assert.equal(code, 1);
    const lines = second.stderr().trim().split('\n');
    assert.equal(lines.length, 1, second.stderr());
    assert.match(lines[0]!, new RegExp(`data folder .* is in use by another ocpp-mitm proxy \\(pid ${first.proc.pid}, since .*start --listen`));
    assert.doesNotMatch(second.stderr(), /Cannot lock/);
    assert.ok(took < 5000, `took ${took} ms`);
  } finally {
    first.proc.kill('SIGTERM');
    await first.exited;
  }
});

test('a lock whose process is gone is taken over; in one process a folder is held once', async () => {
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-lock-'));
  const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid!; // a pid that has exited
  await writeFile(join(data, 'ocpp-mitm.lock'), JSON.stringify({ pid: gone, startedAt: 'earlier', command: 'old' }));
  const release = lockDataDir(data);
  assert.throws(() => lockDataDir(data), /in use by another proxy in this process/);
  release();
  lockDataDir(data)();
});
