/**
 * A recorder's turn is committed before that turn's frames leave the process: the CSMS (another process, so it reads
 * while the relay's thread is busy) never receives a frame before the recorder's commitTurn for it has returned.
 * Without the barrier the frame would reach it at once, while commitTurn still blocks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import { startRelay } from '../../src/core/relay.js';
import { connectRawStation, startCsms } from '../support/ocpp-peers.js';

/** A CSMS in its own process: prints its port, then `<epoch ms> <frame>` for each frame it receives. */
const CSMS_SCRIPT = `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => [...p][0] ?? false });
wss.on('listening', () => console.log('port ' + wss.address().port));
wss.on('connection', (ws) => ws.on('message', (d) => console.log(Date.now() + ' ' + d.toString())));
`;

const COMMIT_MS = 150;

test('a frame reaches its receiver only after the recorders committed the turn that relayed it', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CSMS_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const received = new Map<string, number>();
  const port = await new Promise<number>((resolve) =>
    lines.on('line', (line) => {
      if (line.startsWith('port ')) return resolve(Number(line.slice(5)));
      const [at, text] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      received.set(text, Number(at));
    }),
  );

  const pending: string[] = [];
  const committedAt = new Map<string, number>();
  const recorder: Addon = {
    name: 'slow-recorder',
    record: (e: RelayEvent) => {
      if (e.type === 'message') pending.push(e.message.text);
    },
    commitTurn: () => {
      if (pending.length === 0) return;
      // A slow durable write (a disk that stalls): the thread is blocked, the CSMS process is not.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, COMMIT_MS);
      const now = Date.now();
      for (const raw of pending.splice(0)) committedAt.set(raw, now);
    },
  };
  const relay = await startRelay({ upstream: `ws://127.0.0.1:${port}`, addons: [recorder] });
  try {
    const station = await connectRawStation(`${relay.url}/ocpp/BARRIER-1`);
    const frames = [0, 1, 2].map((i) => JSON.stringify([2, `b-${i}`, 'Heartbeat', {}]));
    for (const f of frames) {
      station.ws.send(f);
      await new Promise((r) => setTimeout(r, 50));
    }
    const deadline = Date.now() + 10_000;
    while (received.size < frames.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const f of frames) {
      const at = received.get(f);
      const committed = committedAt.get(f);
      assert.ok(at !== undefined, `the CSMS received ${f}`);
      assert.ok(committed !== undefined, `the recorder committed ${f}`);
      assert.ok(at >= committed, `${f} reached the CSMS ${committed - at} ms before its turn was committed`);
    }
  } finally {
    await relay.close();
    child.kill();
    await once(child, 'exit');
  }
});

test('a session reset right after a write still delivers that write: held bytes are let go before the reset', { timeout: 30_000 }, async () => {
  const csms = await startCsms();
  const recorder: Addon = { name: 'recorder', record: () => {}, commitTurn: () => {} };
  const relay = await startRelay({ upstream: csms.url, addons: [recorder] });
  try {
    const station = await connectRawStation(`${relay.url}/ocpp/BARRIER-2`);
    await csms.waitForClient('BARRIER-2');
    const session = relay.sessions().find((s) => s.identity === 'BARRIER-2')!;
    const closed = once(station.ws, 'close');
    // Both in one turn: the frame is held (corked) when the reset comes, which would otherwise drop it.
    session.inject('to-station', { type: 2, id: 'last-words', action: 'Reset', payload: { type: 'Hard' } }, { origin: 'operator', by: 'test' });
    session.terminate('test');
    await closed;
    assert.deepEqual(station.messages.map((m) => JSON.parse(m)[1]), ['last-words']);
  } finally {
    await relay.close();
    await csms.close();
  }
});
