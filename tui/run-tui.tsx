/**
 * `runTui({url, token})`: open the live view on a running proxy's control API; resolves when the user quits.
 * Draws on the alternate screen (like k9s and less) so the shell's scrollback is left as it was.
 */
import { render } from 'ink';
import { App } from './components/app.js';
import type { ControlTarget } from './control-connection.js';
import { FleetConnections } from './fleet-connections.js';
import { HistoryPager } from './history-pager.js';
import { ViewStoreContext } from './use-view-store.js';
import { ViewStore } from './view-store.js';

export interface RunTuiOptions extends ControlTarget {
  /** Fleet view: more proxies, merged into one view (each target's `name` is shown with its stations). */
  more?: readonly ControlTarget[];
  /** Frames kept in memory (default 20,000). */
  capacity?: number;
  /** Close the view from outside (e.g. `demo --duration`). */
  signal?: AbortSignal;
  /** Quitting the view stops the proxy (`start --tui`): `q` asks first while stations are connected. */
  quitStopsProxy?: boolean;
  /** A stopped proxy's data folder: no control API; the view browses what it recorded (url and token unused). */
  recording?: string;
}

export async function runTui(opts: RunTuiOptions): Promise<void> {
  if (!process.stdin.isTTY) throw new Error('the live view needs a terminal (stdin is not a TTY)');
  const store = new ViewStore({ capacity: opts.capacity });
  // A fleet: one connection per proxy into the same store (see fleet-connections.ts); none on a stopped proxy's folder.
  const recording = opts.recording;
  const conn = recording ? undefined : new FleetConnections([{ url: opts.url, token: opts.token, name: opts.name }, ...(opts.more ?? [])], store);
  // The store, read lazily (chDB loads only when history is asked for): the (first) proxy's, or the stopped one's folder.
  const history = new HistoryPager(async () =>
    recording
      ? (await import('../src/store/store-reader.js')).openStoreReader({ dataDir: recording })
      : new (await import('../src/store/open-reader.js')).ControlReader({ url: opts.url, token: opts.token }),
  );
  const tty = process.stdout.isTTY === true;
  if (tty) process.stdout.write('\x1b[?1049h\x1b[H');
  const restoreWrite = tty ? synchronizedWrites(process.stdout) : () => undefined;
  const releaseStderr = captureStderr(store);
  conn?.start();
  if (recording) void history.openRecording(store, recording);
  const app = render(
    <ViewStoreContext.Provider value={store}>
      <App
        setRuleEnabled={conn && ((id, enabled) => conn.setRuleEnabled(id, enabled))}
        confirmQuit={opts.quitStopsProxy === true}
        intercept={conn?.primary}
        inject={conn}
        history={history}
      />
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
    conn?.stop();
    await history.close();
    store.dispose();
    restoreWrite();
    if (tty) process.stdout.write('\x1b[?1049l');
    releaseStderr();
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

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * While the view is up, what the process writes to stderr (the proxy's log, when proxy and view share a process)
 * would tear through the screen: hold it, show its latest line in the status bar, and write it all out on exit.
 */
function captureStderr(store: ViewStore): () => void {
  const write = process.stderr.write;
  const held: string[] = [];
  const MAX_HELD = 1000;
  process.stderr.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    held.push(text);
    if (held.length > MAX_HELD) held.shift();
    // The first line of a log entry says what happened; shown on the next turn, never inside someone's write.
    const line = text.replace(ANSI, '').split('\n').find((l) => l.trim() !== '')?.trim();
    if (line) {
      const level = /error|fatal/i.test(line) ? 'error' : /warn/i.test(line) ? 'warn' : 'info';
      setImmediate(() => store.ingest({ type: 'notice', level, source: 'log', text: line }));
    }
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  } as NodeJS.WriteStream['write'];
  return () => {
    process.stderr.write = write;
    if (held.length > 0) process.stderr.write(held.join(''));
  };
}
