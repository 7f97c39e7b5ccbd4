/** How `ocpp-mitm tui` finds the proxy: --connect/--token, else the control.json of --data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveControlTarget } from '../../tui/tui-command.js';

test('--connect needs a token, and an http URL', async () => {
  const saved = process.env.OCPP_MITM_CONTROL_TOKEN;
  delete process.env.OCPP_MITM_CONTROL_TOKEN;
  try {
    await assert.rejects(resolveControlTarget({ connect: 'http://127.0.0.1:1', data: '.' }), /--connect needs --token/);
    await assert.rejects(resolveControlTarget({ connect: 'ws://127.0.0.1:1', token: 't', data: '.' }), /http:\/\/ URL/);
    assert.deepEqual(await resolveControlTarget({ connect: 'http://127.0.0.1:1', token: 't', data: '.' }), { url: 'http://127.0.0.1:1', token: 't' });
    process.env.OCPP_MITM_CONTROL_TOKEN = 'from-env';
    assert.equal((await resolveControlTarget({ connect: 'http://127.0.0.1:1', data: '.' })).token, 'from-env');
  } finally {
    if (saved === undefined) delete process.env.OCPP_MITM_CONTROL_TOKEN;
    else process.env.OCPP_MITM_CONTROL_TOKEN = saved;
  }
});

test('--data: the running proxy of that folder, or a message saying there is none', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-tui-cmd-'));
  try {
    await assert.rejects(resolveControlTarget({ data: dir }), /no running proxy holds .*start one with "ocpp-mitm start --data DIR"/);
    await writeFile(join(dir, 'control.json'), JSON.stringify({ url: 'http://127.0.0.1:5', token: 'tok', pid: process.pid }));
    assert.deepEqual(await resolveControlTarget({ data: dir }), { url: 'http://127.0.0.1:5', token: 'tok' });
    // A control.json left by a proxy that is gone does not count.
    await writeFile(join(dir, 'control.json'), JSON.stringify({ url: 'http://127.0.0.1:5', token: 'tok', pid: 2 ** 22 + 12345 }));
    await assert.rejects(resolveControlTarget({ data: dir }), /no running proxy/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
