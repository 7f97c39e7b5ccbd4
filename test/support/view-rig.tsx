/**
 * The live view under test: the App rendered with ink-testing-library over a view store, or fed by a real
 * ControlConnection to a proxy with the control API (ocpp-rpc CSMS in strict mode); and $EDITOR as each test sets
 * it (a command standing in for the editor), put back afterwards.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import type { Addon } from '../../src/core/addon.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { App, type AppProps } from '../../tui/components/app.js';
import { ControlConnection } from '../../tui/control-connection.js';
import { ViewStoreContext } from '../../tui/use-view-store.js';
import { ViewStore } from '../../tui/view-store.js';
import { inkDriver } from './ink-driver.js';
import { startCsms, type TestCsms } from './ocpp-peers.js';

/** The App over `store` (by default a fresh one that notifies at once), and the driver to read and type into it. */
export function renderApp(props: AppProps = {}, store = new ViewStore({ minNotifyMs: 0 })) {
  const r = render(
    <ViewStoreContext.Provider value={store}>
      <App {...props} />
    </ViewStoreContext.Provider>,
  );
  return { store, ...r, ...inkDriver(r) };
}

export interface ViewProxy {
  dir: string;
  csms: TestCsms;
  relay: Relay;
  close(): Promise<void>;
}

/** A relay with `addons` and then the control API, to a strict ocpp-rpc CSMS, on a temporary data folder. */
export async function startViewProxy(name: string, addons: Addon[] = []): Promise<ViewProxy> {
  const dir = await mkdtemp(join(tmpdir(), `ocpp-mitm-${name}-`));
  const csms = await startCsms();
  const relay = await startRelay({ upstream: csms.url, addons: [...addons, createControlAddon({ dataDir: dir })], dataDir: dir });
  return {
    dir,
    csms,
    relay,
    async close() {
      await relay.close();
      await csms.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const connections = new Set<ControlConnection>();

/** The App fed by a ControlConnection (polling every 200 ms) to the proxy; `props` may hand it the connection. */
export async function openView(proxy: ViewProxy, props: (conn: ControlConnection) => AppProps) {
  const store = new ViewStore({ minNotifyMs: 0 });
  const info = JSON.parse(await readFile(join(proxy.dir, 'control.json'), 'utf8')) as { url: string; token: string };
  const conn = new ControlConnection({ url: info.url, token: info.token }, store, { pollMs: 200 });
  connections.add(conn);
  conn.start();
  return { conn, ...renderApp(props(conn), store) };
}

/** afterEach: stop the views' connections and unmount what was rendered. */
export function closeViews(): void {
  for (const conn of connections) conn.stop();
  connections.clear();
  cleanup();
}

/** Unset $VISUAL so that the $EDITOR a test sets is the editor; the returned function puts both back. */
export function takeEditorEnv(): () => void {
  const before = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
  delete process.env.VISUAL;
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
