/**
 * The chDB helper process: it owns the embedded ClickHouse for the proxy and answers the StoreBackend calls that
 * ChdbProcessBackend sends over the IPC channel. It runs at idle CPU priority (see chdb-process-backend.ts), so
 * ClickHouse parsing and merging only ever use CPU the relay leaves free, and a crash of the engine ends this
 * process, never the relay.
 *
 *   node chdb-host.js DIR
 */
import { setPriority } from 'node:os';
import { openChdb, StoreLockedError } from './chdb-backend.js';
import { isUnavailable, type StoreBackend } from './backend.js';
import type { HostReply, HostRequest } from './chdb-host-protocol.js';

const LOCK_RETRY_MS = 5000;

function send(msg: HostReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

/** What crosses the channel of an error: enough to rebuild its kind on the other side. */
function describe(err: unknown): { name: string; message: string; unavailable: boolean } {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, unavailable: isUnavailable(err) };
}

/**
 * The folder may still be locked for a moment by the helper of a proxy that was just killed (it closes chDB once its
 * parent is gone); anyone else holding it is reported after the retry window.
 */
async function open(dir: string): Promise<StoreBackend> {
  const until = Date.now() + LOCK_RETRY_MS;
  for (;;) {
    try {
      return await openChdb(dir);
    } catch (err) {
      if (!(err instanceof StoreLockedError) || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function serve(backend: StoreBackend, req: HostRequest): Promise<unknown> {
  switch (req.op) {
    case 'version':
      return backend.version();
    case 'exec':
      return backend.exec(req.sql);
    case 'insert':
      // The IPC channel hands over a Uint8Array; chDB wants a Buffer over the same bytes.
      return backend.insert(req.table, Buffer.from(req.values.buffer, req.values.byteOffset, req.values.byteLength), req.format, req.columns);
    case 'query':
      return backend.query(req.sql);
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir || !process.send) throw new Error('usage: chdb-host DIR (started by the proxy, with an IPC channel)');
  // Where the parent could not start us under chrt or nice: the lowest nice value for this thread and those it starts.
  if (process.env.OCPP_MITM_CHDB_NICE) {
    try {
      setPriority(Number(process.env.OCPP_MITM_CHDB_NICE));
    } catch {
      // Not permitted here: run at the parent's priority.
    }
  }
  let backend: StoreBackend | undefined;
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    // chDB must let go of the folder's lock; if it hangs, the lock still goes with the process.
    setTimeout(() => process.exit(0), 5000).unref();
    await backend?.close().catch(() => undefined);
    process.exit(0);
  };
  // The proxy went away (stopped or killed), even while chDB was still opening: release the folder for the next one.
  process.on('disconnect', () => void close());

  try {
    backend = await open(dir);
  } catch (err) {
    await send({ type: 'fatal', error: describe(err) });
    process.exit(1);
  }
  if (closing || !process.connected) return void close();
  const ready = backend;

  process.on('message', (req: HostRequest) => {
    if (req.op === 'close') {
      void close();
      return;
    }
    serve(ready, req).then(
      (value) => void send({ type: 'reply', id: req.id, value }),
      (err: unknown) => void send({ type: 'reply', id: req.id, error: describe(err) }),
    );
  });
  await send({ type: 'ready', pid: process.pid });
}

main().catch(async (err: unknown) => {
  await send({ type: 'fatal', error: describe(err) });
  process.exit(1);
});
