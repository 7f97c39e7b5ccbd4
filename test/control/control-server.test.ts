/**
 * The control API against a real relay and real ocpp-rpc peers (strict mode): auth, routes, operator actions,
 * the filtered event stream, and the missed-events notice for a reader too slow to keep up.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Addon, AddonContext } from '../../src/core/addon.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { readControlInfo } from '../../src/control/control-client.js';
import { createControlAddon, type ControlAddon } from '../../src/control/control-server.js';
import { parseFilter } from '../../src/control/event-filter.js';
import { connectRawStation, connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';
import { until } from '../support/until.js';

type Json = any;

async function api(control: ControlAddon, method: string, path: string, opts: { body?: unknown; token?: string | null } = {}): Promise<{ status: number; body: Json }> {
  const { url, token } = control.info();
  const headers: Record<string, string> = {};
  const t = opts.token === undefined ? token : opts.token;
  if (t !== null) headers.authorization = `Bearer ${t}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A stream client that collects every event it is sent. */
async function openStream(control: ControlAddon, query: string, auth: 'header' | 'query' = 'header'): Promise<{ ws: WebSocket; events: Json[] }> {
  const { url, token } = control.info();
  const u = new URL('/api/stream' + query, url.replace('http', 'ws'));
  if (auth === 'query') u.searchParams.set('token', token);
  const ws = new WebSocket(u, auth === 'header' ? { headers: { authorization: `Bearer ${token}` } } : {});
  const events: Json[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString())));
  await once(ws, 'open');
  return { ws, events };
}


describe('control API', () => {
  let dir: string;
  let csms: TestCsms;
  let relay: Relay;
  let control: ControlAddon;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-control-'));
    csms = await startCsms();
    control = createControlAddon({ dataDir: dir });
    relay = await startRelay({ upstream: csms.url, addons: [control], dataDir: dir });
  });

  after(async () => {
    await relay.close();
    await csms.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('writes control.json (0600) with url, token and pid', async () => {
    const info = await readControlInfo(dir);
    assert.ok(info);
    assert.equal(info.url, control.info().url);
    assert.equal(info.token, control.info().token);
    assert.equal(info.pid, process.pid);
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await stat(join(dir, 'control.json'))).mode & 0o777, 0o600);
  });

  test('refuses requests without the right token', async () => {
    const none = await api(control, 'GET', '/api/sessions', { token: null });
    assert.equal(none.status, 401);
    assert.match(none.body.error, /token/);
    assert.equal((await api(control, 'GET', '/api/sessions', { token: 'wrong' })).status, 401);
    // ?token= is for WebSocket clients only: plain HTTP must use the header.
    const { url, token } = control.info();
    assert.equal((await fetch(`${url}/api/sessions?token=${token}`)).status, 401);
    assert.equal((await api(control, 'GET', '/api/sessions')).status, 200);
  });

  test('answers 404 with a JSON error for an unknown route, and lists routes at /api', async () => {
    const res = await api(control, 'GET', '/api/nope');
    assert.equal(res.status, 404);
    assert.match(res.body.error, /no route GET \/api\/nope/);
    const list = await api(control, 'GET', '/api');
    assert.ok(list.body.routes.some((r: Json) => r.method === 'POST' && r.path === '/api/sessions/:id/inject'));
  });

  test('sessions and stats reflect real traffic; inject waits for the answer; close closes', async () => {
    const station = await connectStation({
      url: `${relay.url}/ocpp`,
      identity: 'CP-CTRL',
      handlers: { GetConfiguration: () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }) },
    });
    await station.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    // Counters come from the observer, a moment after the frames.
    const s: Json = await until('counters', async () => {
      const list: Json[] = (await api(control, 'GET', '/api/sessions')).body;
      return list.find((x) => x.identity === 'CP-CTRL' && x.counters.toCsms >= 1 && x.counters.toStation >= 1);
    });
    assert.equal(s.stationVersion, '1.6');
    assert.equal(typeof s.counters.lastLatencyMs, 'number');
    assert.equal(s.state, undefined, 'only SessionInfo facts and counters are sent');

    const stats = await api(control, 'GET', '/api/stats');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.sessionsOpen, 1);
    assert.equal(stats.body.upstream, csms.url);
    assert.ok(stats.body.framesIn >= 2);
    assert.equal(typeof stats.body.messagesPerSecond, 'number');

    // Operator injection toward the station: the reply carries the station's answer.
    const inj = await api(control, 'POST', `/api/sessions/${s.id}/inject`, { body: { direction: 'to-station', frame: [2, 'op-1', 'GetConfiguration', {}] } });
    assert.equal(inj.status, 200, JSON.stringify(inj.body));
    assert.deepEqual(inj.body.answer[0], 3);
    assert.equal(inj.body.answer[1], 'op-1');
    assert.equal(inj.body.answer[2].configurationKey[0].key, 'HeartbeatInterval');
    // ... toward the CSMS too, addressed by identity.
    const hb = await api(control, 'POST', '/api/sessions/CP-CTRL/inject', { body: { direction: 'to-csms', frame: [2, 'op-2', 'Heartbeat', {}] } });
    assert.equal(hb.status, 200, JSON.stringify(hb.body));
    assert.equal(typeof hb.body.answer[2].currentTime, 'string');
    assert.ok(csms.received.some((r) => r.method === 'Heartbeat'));

    const bad = await api(control, 'POST', `/api/sessions/${s.id}/inject`, { body: { direction: 'sideways', frame: [2, 'x', 'Heartbeat', {}] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /direction/);
    const notFrame = await api(control, 'POST', `/api/sessions/${s.id}/inject`, { body: { direction: 'to-csms', frame: [7, 'x'] } });
    assert.equal(notFrame.status, 400);
    assert.match(notFrame.body.error, /not OCPP-J/);
    assert.equal((await api(control, 'POST', '/api/sessions/nobody/close')).status, 404);

    const closed = once(station, 'close');
    const res = await api(control, 'POST', `/api/sessions/${s.id}/close`, { body: { code: 4001, reason: 'bye from test' } });
    assert.equal(res.status, 200);
    const [ev] = (await closed) as [{ code: number; reason: string }];
    assert.equal(ev.code, 4001);
    assert.equal(String(ev.reason), 'bye from test');
    await until('the session to go', async () => !(await api(control, 'GET', '/api/sessions')).body.some((x: Json) => x.id === s.id));
  });

  test('the stream needs the token and a filter that parses', async () => {
    const { url } = control.info();
    const noToken = new WebSocket(url.replace('http', 'ws') + '/api/stream');
    const [, res] = (await once(noToken, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(res.statusCode, 401);
    const { token } = control.info();
    const badFilter = new WebSocket(url.replace('http', 'ws') + `/api/stream?token=${token}&filter=${encodeURIComponent('dir:sideways')}`);
    const [, res2] = (await once(badFilter, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(res2.statusCode, 400);
  });

  test('the stream sends events that match its filter only', async () => {
    const all = await openStream(control, '');
    const onlyB = await openStream(control, `?filter=${encodeURIComponent('station:CP-B* action:Boot*')}`, 'query');
    const invalid = await openStream(control, `?filter=${encodeURIComponent('is:invalid')}`);
    assert.equal(onlyB.events[0]?.type, 'hello');

    const a = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-A1' });
    const b = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-B1', protocols: ['ocpp2.0.1'] });
    await a.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    await b.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });
    await b.call('Heartbeat', {});
    const raw = await connectRawStation(`${relay.url}/ocpp/CP-RAW`);
    raw.send('[2,"r1","Heartbeat",{}'); // not JSON: invalid whatever the validation settings

    await until('CP-B1 boot answer on the filtered stream', () => onlyB.events.some((e) => e.type === 'message' && e.message.kind === 'CALLRESULT'));
    await until('the malformed frame on the invalid stream', () => invalid.events.some((e) => e.type === 'message'));
    await until('everything on the unfiltered stream', () => all.events.some((e) => e.type === 'message' && e.message.identity === 'CP-RAW'));

    const msgs = onlyB.events.filter((e) => e.type === 'message');
    assert.ok(msgs.length >= 2);
    for (const e of msgs) {
      assert.equal(e.message.identity, 'CP-B1');
      assert.equal(e.message.action ?? e.message.callAction, 'BootNotification');
    }
    // Session events are judged on the station only.
    assert.ok(onlyB.events.some((e) => e.type === 'session-open' && e.session.identity === 'CP-B1'));
    assert.ok(!onlyB.events.some((e) => e.type === 'session-open' && e.session.identity === 'CP-A1'));
    for (const e of invalid.events.filter((x) => x.type === 'message')) assert.equal(e.message.valid, false);
    assert.ok(all.events.some((e) => e.type === 'message' && e.message.identity === 'CP-A1'));
    for (const s of [all, onlyB, invalid]) s.ws.close();
    await a.close();
    await b.close();
    raw.close();
  });
});

describe('control API stream backlog', () => {
  test('a client that connects later gets the newest matching events, oldest first, as they were published', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-backlog-'));
    const csms = await startCsms();
    // Every event as JSON at the moment it was published: what the backlog must give back, byte for byte.
    const published: string[] = [];
    const recorder: Addon = { name: 'test-recorder', observe: (e) => void published.push(JSON.stringify(e)) };
    const control = createControlAddon({ dataDir: dir });
    const relay = await startRelay({ upstream: csms.url, addons: [recorder, control], dataDir: dir });
    const stations: Array<{ close(): Promise<unknown> }> = [];
    try {
      // Quiet for longer than a backlog tick (150 ms): events age into its ring; for less (40 ms): most wait as objects.
      const settled = async (ms = 150): Promise<void> => {
        let n = -1;
        await until('the events to settle', async () => {
          await new Promise((r) => setTimeout(r, ms));
          return published.length === n || ((n = published.length), false);
        });
      };
      // Attached, but matching nothing: events are not serialised for it.
      const nobody = await openStream(control, `?filter=${encodeURIComponent('station:NOBODY')}`);
      const a = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-BL1' });
      const other = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-OTHER' });
      stations.push(a, other);
      await a.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
      await other.call('Heartbeat', {});
      await settled();
      // A client that is sent every event for a while.
      const everything = await openStream(control, '');
      await a.call('Heartbeat', {});
      await other.call('Heartbeat', {});
      await settled();
      everything.ws.close();
      await a.call('Heartbeat', {});
      await a.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
      await settled(40);

      const filter = 'station:CP-BL*';
      const { url, token } = control.info();
      const late = new WebSocket(`${url.replace('http', 'ws')}/api/stream?backlog=7&filter=${encodeURIComponent(filter)}`, { headers: { authorization: `Bearer ${token}` } });
      const raw: string[] = [];
      late.on('message', (d) => raw.push(d.toString()));
      await until('hello and the backlog', () => raw.length >= 8);
      const match = (parseFilter(filter) as { ok: true; filter: { matchEvent(e: unknown): boolean } }).filter;
      const expected = published.filter((j) => match.matchEvent(JSON.parse(j))).slice(-7);
      assert.equal(JSON.parse(raw[0]!).type, 'hello');
      assert.deepEqual(raw.slice(1, 8), expected);
      assert.ok(expected.some((j) => j.includes('"StatusNotification"')) && expected.some((j) => j.includes('"session-open"') || j.includes('"Heartbeat"')));
      late.close();
      nobody.ws.close();
    } finally {
      for (const s of stations) await s.close();
      await relay.close();
      await csms.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('control API stream backpressure', () => {
  test('a slow reader is told how many events it missed, and the rest still arrive', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-slow-'));
    const csms = await startCsms();
    let ctx: AddonContext | undefined;
    const publisher: Addon = { name: 'test-publisher', start: (c) => void (ctx = c) };
    const control = createControlAddon({ dataDir: dir, maxBufferedBytes: 64 * 1024 });
    const relay = await startRelay({ upstream: csms.url, addons: [publisher, control], dataDir: dir });
    try {
      const slow = await openStream(control, '?filter=' + encodeURIComponent('station:SLOW'));
      // Stop reading: TCP fills up, then the server's send buffer.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const total = 600;
      const text = 'x'.repeat(64 * 1024);
      for (let i = 0; i < total; i++) ctx!.publish({ type: 'notice', level: 'info', source: 'test', text, identity: 'SLOW' });
      await new Promise((r) => setTimeout(r, 300));
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      const received = () => slow.events.filter((e) => e.type === 'notice').length;
      const missed = () => slow.events.filter((e) => e.type === 'missed').reduce((n, e) => n + e.count, 0);
      await until('every event accounted for', () => received() + missed() === total, 20_000);
      assert.ok(missed() > 0, 'the slow reader missed some events');
      assert.ok(received() > 0, 'and still got the others');
      const firstMissed = slow.events.findIndex((e) => e.type === 'missed');
      assert.ok(firstMissed > 0);
      slow.ws.close();
    } finally {
      await relay.close();
      await csms.close();
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(await readFile(join(dir, 'control.json'), 'utf8').catch(() => 'gone'), 'gone', 'control.json is removed on stop');
  });
});
