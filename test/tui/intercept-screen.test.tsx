/**
 * The intercept screen and the `:` prompt, rendered with ink-testing-library and fed by a real ControlConnection
 * to a real relay (intercept, validation, control API) with ocpp-rpc peers in strict mode. The editor is a
 * command standing in for $EDITOR (sed on the file), run the way a real one is.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterceptAddon } from '../../src/intercept/index.js';
import { createValidationAddon } from '../../src/validation/index.js';
import { helpSections } from '../../tui/keymap.js';
import { connectStation, type RpcServerClient } from '../support/ocpp-peers.js';
import { closeViews, openView, renderApp, startViewProxy, takeEditorEnv, type ViewProxy } from '../support/view-rig.js';

const ENTER = '\r';

describe('intercept screen', () => {
  let proxy: ViewProxy;
  let cp: RpcServerClient;
  let restoreEditor: () => void;
  const atStation: any[] = [];

  before(async () => {
    proxy = await startViewProxy('intercept-view', [createValidationAddon({ mode: 'observe' }), createInterceptAddon({ timeoutMs: 60_000 })]);
    const handlers = {
      RemoteStartTransaction: (params: any) => {
        atStation.push(params);
        return { status: 'Accepted' };
      },
    };
    await connectStation({ url: `${proxy.relay.url}/CP-V`, identity: 'CP-V', handlers });
    cp = await proxy.csms.waitForClient('CP-V');
    restoreEditor = takeEditorEnv();
  });

  afterEach(closeViews);

  after(async () => {
    restoreEditor();
    await proxy.close();
  });

  const open = () => openView(proxy, (conn) => ({ size: { columns: 120, rows: 30 }, intercept: conn }));

  test('without an intercept on the proxy the screen says so', async () => {
    const { press, waitFor } = renderApp({ size: { columns: 100, rows: 24 } });
    await press('4');
    await waitFor('the absent notice', (f) => /has no intercept/.test(f));
    await press('f');
    await waitFor('the flash', (f) => /this proxy has no intercept/.test(f));
  });

  test(':intercept sets the filter; a held CALL shows with its countdown; e edits it in $EDITOR and forwards it', async () => {
    const { press, waitFor, store } = await open();
    await press(':', ...'intercept action:RemoteStartTransaction dir:to-station', ENTER);
    await waitFor('the filter applied', (f) => /intercepting: action:RemoteStartTransaction dir:to-station/.test(f));
    const answer = cp.call('RemoteStartTransaction', { idTag: 'TAG-ORIG', connectorId: 1 });
    await press('4');
    let f = await waitFor('the held CALL', (x) => /CP-V\s+↓ CALL RemoteStartTransaction/.test(x));
    assert.match(f, /Intercept 1 held/);
    assert.match(f, /▸\s+(59|60)s CP-V/);
    assert.match(f, /"idTag": "TAG-ORIG"/);
    assert.equal(atStation.length, 0);

    process.env.EDITOR = 'sed -i s/TAG-ORIG/TAG-EDITED/';
    await press('e');
    f = await waitFor('the forward', (x) => /forwarded as edited/.test(x));
    assert.deepEqual(await answer, { status: 'Accepted' });
    assert.deepEqual(atStation.at(-1), { idTag: 'TAG-EDITED', connectorId: 1 });
    await waitFor('the list emptied', (x) => /Intercept 0 held/.test(x) && /nothing held/.test(x));
    assert.equal(store.intercept?.filter, 'action:RemoteStartTransaction dir:to-station');
  });

  test('an edit the schema refuses is kept: ! sends it anyway; a answers, d drops', async () => {
    const { press, waitFor } = await open();
    await press('4');
    const refused = cp.call('RemoteStartTransaction', { idTag: 'TAG-S' }).catch((e: Error) => e);
    await waitFor('the held CALL', (x) => /CALL RemoteStartTransaction/.test(x));
    process.env.EDITOR = `sed -i 's/"TAG-S"/42/'`;
    await press('e');
    await waitFor('the schema warning', (x) => /breaks the schema/.test(x) && /! sends it anyway/.test(x));
    await press('!');
    await waitFor('the forced forward', (x) => /forwarded as edited/.test(x));
    assert.ok((await refused) instanceof Error, 'the strict station refuses the invalid CALL');

    const answered = cp.call('RemoteStartTransaction', { idTag: 'TAG-A' });
    await waitFor('the held CALL', (x) => /CALL RemoteStartTransaction/.test(x) && /TAG-A/.test(x));
    process.env.EDITOR = `sed -i 's/{}/{"status":"Rejected"}/'`;
    const before = atStation.length;
    await press('a');
    await waitFor('the answer', (x) => /answered with a CALLRESULT/.test(x));
    assert.deepEqual(await answered, { status: 'Rejected' });

    const dropped = cp.call('RemoteStartTransaction', { idTag: 'TAG-D' }, { callTimeoutMs: 1500 }).catch((e: Error) => e);
    await waitFor('the held CALL', (x) => /TAG-D/.test(x));
    await press('d');
    await waitFor('the drop', (x) => /dropped/.test(x));
    assert.ok((await dropped) instanceof Error);
    assert.equal(atStation.length, before, 'neither the answered nor the dropped CALL reached the station');
    await press(':', ...'intercept', ENTER);
    await waitFor('intercept off', (x) => /intercept off/.test(x));
  });

  test('help lists the intercept keys and the : prompt, from the one keymap', () => {
    const sections = helpSections();
    const intercept = sections.find((s) => s.title === 'Intercept');
    assert.ok(intercept);
    assert.deepEqual(intercept.rows.map((r) => r.keys), ['enter f', 'e', '!', 'd x', 'a']);
    assert.ok(sections.find((s) => s.title === 'Everywhere')!.rows.some((r) => r.keys === ':' && /command prompt/.test(r.description)));
  });
});
