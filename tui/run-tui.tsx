/**
 * `runTui({url, token})`: open the live view on a running proxy's control API; resolves when the user quits.
 * Draws on the alternate screen (like k9s and less) so the shell's scrollback is left as it was.
 */
import { render } from 'ink';
import { App } from './components/app.js';
import { ControlConnection, type ControlTarget } from './control-connection.js';
import { ViewStoreContext } from './use-view-store.js';
import { ViewStore } from './view-store.js';

export interface RunTuiOptions extends ControlTarget {
  /** Frames kept in memory (default 20,000). */
  capacity?: number;
  /** Close the view from outside (e.g. `demo --duration`). */
  signal?: AbortSignal;
}

export async function runTui(opts: RunTuiOptions): Promise<void> {
  const store = new ViewStore({ capacity: opts.capacity });
  const conn = new ControlConnection({ url: opts.url, token: opts.token }, store);
  const tty = process.stdout.isTTY === true;
  if (tty) process.stdout.write('\x1b[?1049h\x1b[H');
  const restoreWrite = tty ? synchronizedWrites(process.stdout) : () => undefined;
  conn.start();
  const app = render(
    <ViewStoreContext.Provider value={store}>
      <App setRuleEnabled={(id, enabled) => conn.setRuleEnabled(id, enabled)} />
    </ViewStoreContext.Provider>,
    { exitOnCtrlC: false, maxFps: 15, patchConsole: true },
  );
  const onAbort = (): void => app.unmount();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  try {
    await app.waitUntilExit();
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    conn.stop();
    store.dispose();
    restoreWrite();
    if (tty) process.stdout.write('\x1b[?1049l');
  }
}

/**
 * Wrap every frame Ink writes in "synchronized output" marks (DEC mode 2026): terminals that know them paint
 * the frame at once instead of showing the erase and the redraw (flicker); the others ignore them.
 */
function synchronizedWrites(stdout: NodeJS.WriteStream): () => void {
  const write = stdout.write;
  stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const framed = typeof chunk === 'string' && chunk.length > 0 ? `\x1b[?2026h${chunk}\x1b[?2026l` : chunk;
    return (write as (...a: unknown[]) => boolean).call(this, framed, ...rest);
  } as NodeJS.WriteStream['write'];
  return () => {
    stdout.write = write;
  };
}
