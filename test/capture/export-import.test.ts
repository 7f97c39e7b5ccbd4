/**
 * Export and import as a user runs them (the built CLI): a 1.6 and a 2.0.1 session with a transaction recorded
 * through the proxy, exported to JSON lines and HAR, imported into fresh stores: the same `report`, the same frames.
 * A browser-style HAR (no ocpp-mitm fields) imports too; a cut-short file imports nothing and names its line.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { parseCapture } from '../../src/capture/index.js';
import { cli, framesOf as frames, ok, recordedFolder, reportOf as report } from '../support/capture-cli.js';

let folder: Awaited<ReturnType<typeof recordedFolder>>;
let root: string;
let recorded: string;

before(async () => {
  folder = await recordedFolder('ocpp-mitm-capture-');
  ({ root, recorded } = folder);
});

after(() => folder.remove());

it('JSON lines and HAR round-trip into a fresh store with the same report and frames', { timeout: 180_000 }, async () => {
  const original = await report(recorded);
  const stations = new Set(original.map((r) => (r as { station: string }).station));
  assert.deepEqual([...stations].sort(), ['CP-16', 'CP-201'], JSON.stringify(original));
  const kpis = new Set(original.map((r) => (r as { kpi: string }).kpi));
  assert.ok(kpis.has('csms_response_time') && kpis.has('response_time'), JSON.stringify(original));
  const originalFrames = await frames(recorded);
  assert.equal(originalFrames.length, 2 * 6 + 2 * 6, 'both sessions recorded whole');

  const jsonl = join(root, 'all.jsonl');
  const har = join(root, 'all.har');
  const exported = await cli(['export', '--data', recorded, '--out', jsonl]);
  assert.equal(exported.code, 0, exported.err);
  assert.match(exported.err, /exported 2 session\(s\), 24 frame\(s\) to /);
  await ok(['export', '--data', recorded, '--format', 'har', '--out', har]);

  const lines = (await readFile(jsonl, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines[0]!.format, 'ocpp-mitm-capture');
  assert.equal(lines.filter((l) => l.type === 'session').length, 2);
  const start = lines.find((l) => l.type === 'frame' && l.action === 'StartTransaction' && l.kind === 'CALLRESULT')!;
  assert.equal(start.direction, 'to-station');
  assert.match(String(start.received), /"transactionId":1001/);
  assert.equal(start.received, start.sent, 'unchanged frame: as received = as sent');

  const doc = JSON.parse(await readFile(har, 'utf8')) as { log: { version: string; entries: any[] } };
  assert.equal(doc.log.version, '1.2');
  assert.equal(doc.log.entries.length, 2);
  const e16 = doc.log.entries.find((e) => e.request.url.endsWith('/CP-16'));
  assert.equal(e16._resourceType, 'websocket');
  assert.equal(e16.response.status, 101);
  assert.deepEqual(e16.response.headers.find((h: any) => h.name === 'Sec-WebSocket-Protocol'), { name: 'Sec-WebSocket-Protocol', value: 'ocpp1.6' });
  const first = e16._webSocketMessages[0];
  assert.equal(first.type, 'send');
  assert.equal(first.opcode, 1);
  assert.equal(typeof first.time, 'number');
  assert.match(first.data, /^\[2,"[^"]+","BootNotification",/);
  assert.ok(e16._webSocketMessages.some((m: any) => m.type === 'receive'));

  for (const [name, file] of [['jsonl', jsonl], ['har', har]] as const) {
    const target = join(root, `from-${name}`);
    const imported = await cli(['import', file, '--data', target]);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.err, /imported 2 session\(s\), 24 frame\(s\), \d+ KPI sample\(s\)/);
    assert.deepEqual(await report(target), original, `report after importing ${name}`);
    assert.deepEqual(await frames(target), originalFrames, `frames after importing ${name}`);
  }

  // Importing the same capture again would count it twice: refused, nothing written.
  const again = await cli(['import', jsonl, '--data', join(root, 'from-jsonl')]);
  assert.equal(again.code, 1);
  assert.match(again.err, /already in chDB at .*nothing was imported/);
  assert.deepEqual(await report(join(root, 'from-jsonl')), original);
});

it('a browser HAR (no ocpp-mitm fields) imports with KPIs measured from its frames', { timeout: 120_000 }, async () => {
  const har = join(root, 'chrome.har');
  await ok(['export', '--data', recorded, '--format', 'har', '--out', har]);
  const doc = JSON.parse(await readFile(har, 'utf8')) as { log: { entries: any[] } };
  // What Chrome DevTools writes: four fields a message, no session facts.
  for (const e of doc.log.entries) {
    delete e._ocppMitm;
    e._webSocketMessages = e._webSocketMessages.map((m: any) => ({ type: m.type, time: m.time, opcode: m.opcode, data: m.data }));
  }
  await writeFile(har, JSON.stringify(doc));
  const target = join(root, 'from-chrome');
  await ok(['import', har, '--data', target]);
  const got = await frames(target);
  const want = await frames(recorded);
  assert.deepEqual(
    got.map((f) => [f.identity, f.direction, f.kind, f.action, f.text]),
    want.map((f) => [f.identity, f.direction, f.kind, f.action, f.text]),
  );
  const counts = (rows: unknown[]): string[] => rows.map((r) => { const x = r as { station: string; kpi: string; count: number }; return `${x.station} ${x.kpi} ${x.count}`; }).sort();
  assert.deepEqual(counts(await report(target)), counts(await report(recorded)));
});

it('a cut-short file imports nothing and names the line; --payloads redacted masks id tags', { timeout: 120_000 }, async () => {
  const jsonl = join(root, 'cut.jsonl');
  await ok(['export', '--data', recorded, '--out', jsonl]);
  const text = await readFile(jsonl, 'utf8');
  const lines = text.split('\n');
  await writeFile(jsonl, lines.slice(0, 12).join('\n') + '\n' + lines[12]!.slice(0, 40));
  const target = join(root, 'from-cut');
  const r = await cli(['import', jsonl, '--data', target]);
  assert.equal(r.code, 1);
  assert.match(r.err, /cut\.jsonl: line 13: not JSON \(the file looks cut short\).*nothing was imported/);
  assert.equal(existsSync(join(target, 'clickhouse')), false, 'no store was even created');

  const bad = join(root, 'bad.jsonl');
  await writeFile(bad, lines.slice(0, 5).join('\n') + '\n' + JSON.stringify({ type: 'frame', direction: 'sideways' }) + '\n');
  const b = await cli(['import', bad, '--data', target]);
  assert.equal(b.code, 1);
  assert.match(b.err, /line 6: receivedAt must be a number/);

  const redacted = await ok(['export', '--data', recorded, '--payloads', 'redacted', '--station', 'CP-16']);
  assert.doesNotMatch(redacted, /TAG-1/);
  assert.match(redacted, /"idTag\\":\\"\*\*\*\\"/);
  assert.match(redacted, /"payloads":"redacted"/);
});

it('a HAR with a bad entry or message is refused with its position', { timeout: 60_000 }, async () => {
  const har = join(root, 'positions.har');
  await ok(['export', '--data', recorded, '--format', 'har', '--out', har]);
  const doc = JSON.parse(await readFile(har, 'utf8')) as { log: { entries: any[] } };
  const text = JSON.stringify(doc);
  const ours = structuredClone(doc);
  ours.log.entries[1]._webSocketMessages[2]._ocppMitm.direction = 'sideways';
  assert.throws(() => parseCapture(JSON.stringify(ours)), /^CaptureError: entry 2, message 3, _ocppMitm: direction must be to-csms or to-station/);
  const chrome = structuredClone(doc);
  delete chrome.log.entries[0]._ocppMitm;
  chrome.log.entries[0]._webSocketMessages = [{ type: 'sent', time: 1, opcode: 1, data: '[]' }];
  assert.throws(() => parseCapture(JSON.stringify(chrome)), /^CaptureError: entry 1, message 1: type must be send or receive, got "sent"/);
  assert.throws(() => parseCapture(text.slice(0, text.length / 2)), /HAR file is not valid JSON \(cut short\?\)/);
  const c = parseCapture(text);
  assert.deepEqual([c.sessions.length, c.frames.length], [2, 24]);
});
