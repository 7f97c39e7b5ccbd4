/**
 * The load the relay and fleet benches put on a side: raw WebSocket stations (1.6, no compression) sending
 * StatusNotification CALLs, either at a set rate (each CALL's round trip measured) or as fast as answers come
 * back (a window of CALLs in flight per station). The CSMS is bench/echo-csms.ts, whose answers carry the id.
 */
import { once } from 'node:events';
import WebSocket from 'ws';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const frameFor = (id: string): string =>
  JSON.stringify([2, id, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: new Date().toISOString() }]);

/** `n` stations at `url`/`prefix`-i, opened 200 at a time. */
export async function connectMany(url: string, n: number, prefix: string): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  const batch = 200;
  for (let i = 0; i < n; i += batch) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async (_, j) => {
        const ws = new WebSocket(`${url}/${prefix}-${i + j}`, ['ocpp1.6'], { perMessageDeflate: false });
        await once(ws, 'open');
        return ws;
      }),
    );
    out.push(...chunk);
  }
  return out;
}

export async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(sockets.map((ws) => (ws.readyState === ws.OPEN ? (ws.close(), once(ws, 'close')) : undefined)));
}

/** CALLs at `rate` per second spread over the stations for `seconds`; each call's round trip in ms. */
export async function steadyLoad(sockets: WebSocket[], rate: number, seconds: number): Promise<number[]> {
  const sentAt = new Map<string, number>();
  const rtts: number[] = [];
  const onMessage = (data: WebSocket.RawData): void => {
    const text = data.toString();
    const id = text.slice(4, text.indexOf('"', 4));
    const t = sentAt.get(id);
    if (t !== undefined) {
      rtts.push(performance.now() - t);
      sentAt.delete(id);
    }
  };
  for (const ws of sockets) ws.on('message', onMessage);
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      const id = `s${sent}`;
      sentAt.set(id, performance.now());
      sockets[sent % sockets.length]!.send(frameFor(id));
    }
    await sleep(1);
  }
  const deadline = performance.now() + 5000;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(10);
  for (const ws of sockets) ws.off('message', onMessage);
  return rtts;
}

/** Every station keeps `window` CALLs in flight for `seconds`: CALLs answered per second. */
export async function blast(sockets: WebSocket[], seconds: number, window = 32): Promise<number> {
  let answered = 0;
  let stop = false;
  let seq = 0;
  const handlers = sockets.map((ws) => {
    const h = (): void => {
      answered++;
      if (!stop) ws.send(frameFor(`b${seq++}`));
    };
    ws.on('message', h);
    for (let i = 0; i < window; i++) ws.send(frameFor(`b${seq++}`));
    return h;
  });
  const start = performance.now();
  await sleep(seconds * 1000);
  stop = true;
  const perSecond = answered / ((performance.now() - start) / 1000);
  // Let the CALLs still in flight come back before the stations are used again.
  await sleep(300);
  sockets.forEach((ws, i) => ws.off('message', handlers[i]!));
  return perSecond;
}

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Each station calls Heartbeat back to back for `seconds`; the number of answers is what the side carried. */
export async function closedLoop(url: string, stations: number, seconds: number): Promise<number> {
  const sockets = await Promise.all(
    Array.from({ length: stations }, async (_, i) => {
      const ws = new WebSocket(`${url}BENCH-${i}`, ['ocpp1.6'], { perMessageDeflate: false });
      await once(ws, 'open');
      return ws;
    }),
  );
  let answered = 0;
  let running = true;
  await Promise.all(
    sockets.map(
      (ws, i) =>
        new Promise<void>((resolve) => {
          let n = 0;
          const send = (): void => {
            if (!running) return resolve();
            ws.send(`[2,"${i}-${n++}","Heartbeat",{}]`);
          };
          ws.on('message', () => {
            answered++;
            send();
          });
          ws.on('close', () => resolve());
          send();
        }),
    ).concat([new Promise<void>((r) => setTimeout(r, seconds * 1000)).then(() => void (running = false))]),
  );
  for (const ws of sockets) ws.terminate();
  return answered;
}
