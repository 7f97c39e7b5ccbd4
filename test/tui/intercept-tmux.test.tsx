/**
 * Intercept in the whole program, in a real terminal (tmux): `ocpp-mitm tui --data DIR` on a proxy started with
 * `--intercept`, real ocpp-rpc peers in strict mode. A held Authorize is edited in $EDITOR (a script standing in
 * for the editor) and forwarded: the CSMS receives exactly the edit. A hold nobody decides on is released
 * unchanged when its countdown runs out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningProxy } from '../../src/commands/start.js';
import { callControl } from '../../src/control/api-client.js';
import { silentLogger } from '../../src/log.js';
import { connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';
import { hasTmux, tmux, tmuxDriver } from '../support/tmux-driver.js';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('intercept in a terminal', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  const session = `ocpp-mitm-intercept-${process.pid}`;
  let dir: string;
  let csms: TestCsms;
  let proxy: RunningProxy;
  let station: Awaited<ReturnType<typeof connectStation>>;

  const { screen, keys, waitScreen } = tmuxDriver(session);


  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-intercept-tmux-'));
    // The editor: changes the idTag in the file it is given, as a person would in vi.
    const editor = join(dir, 'editor.sh');
    await writeFile(editor, `#!/bin/sh\nsed -i 's/TAG-ORIG/TAG-EDITED/' "$1"\n`);
    await chmod(editor, 0o755);
    csms = await startCsms();
    const features = [
      (await import('../../src/validation/index.js')).validationFeature,
      (await import('../../src/intercept/index.js')).interceptFeature,
      (await import('../../src/control/index.js')).controlFeature,
    ];
    const { launchProxy } = await import('../../src/commands/start.js');
    proxy = await launchProxy(
      features,
      { listen: '127.0.0.1:0', upstream: csms.url, data: join(dir, 'data'), validate: 'observe', control: '127.0.0.1:0', intercept: 'action:Authorize dir:to-csms', interceptTimeout: 60 },
      silentLogger(),
    );
    station = await connectStation({ url: `${proxy.relay.url}/ocpp`, identity: 'CP-T' });
    const command = `cd ${ROOT} && VISUAL= EDITOR=${editor} exec node --import tsx src/cli.ts tui --data ${join(dir, 'data')}`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '36', command);
  });

  after(async () => {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone
    }
    await station?.close();
    await proxy?.stop();
    await csms?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a held Authorize edited in $EDITOR reaches the CSMS exactly as edited', async () => {
    await waitScreen('the view, live', (x) => x.includes('● live') && /CP-T/.test(x), 60_000);
    const answer = station.call('Authorize', { idTag: 'TAG-ORIG' });
    await keys('4');
    const s = await waitScreen('the held Authorize with its countdown', (x) => /\d+s CP-T\s+↑ CALL Authorize/.test(x));
    assert.match(s, /"idTag": "TAG-ORIG"/);
    assert.ok(!csms.received.some((r) => r.method === 'Authorize'), 'the CSMS has nothing while the frame is held');
    await keys('e');
    await waitScreen('the forward', (x) => /forwarded as edited/.test(x));
    assert.deepEqual(await answer, { idTagInfo: { status: 'Accepted' } });
    const got = csms.received.filter((r) => r.method === 'Authorize');
    assert.deepEqual(got.map((r) => r.params), [{ idTag: 'TAG-EDITED' }]);
    await waitScreen('nothing held', (x) => /nothing held/.test(x));
  });

  test('a forgotten hold counts down and is released unchanged', async () => {
    await callControl(proxy.control!, 'PUT /api/intercept', { body: { filter: 'action:Authorize dir:to-csms', timeoutMs: 3000 } });
    const answer = station.call('Authorize', { idTag: 'TAG-LATE' });
    // Any key clears the last action's message, so the status line can show the relay's notice.
    await keys('4');
    await waitScreen('the countdown', (x) => /[1-3]s CP-T\s+↑ CALL Authorize/.test(x));
    assert.deepEqual(await answer, { idTagInfo: { status: 'Accepted' } });
    assert.deepEqual(csms.received.filter((r) => r.method === 'Authorize').at(-1)?.params, { idTag: 'TAG-LATE' });
    await waitScreen('the release noticed', (x) => /nothing held/.test(x) && /released unchanged after 3000 ms/.test(x));
  });
});
