/** Live changes: the watched folder, the control API routes, and a reload under steady traffic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlError, type HttpMethod } from '../../src/core/control-routes.js';
import { startRelay } from '../../src/core/relay.js';
import { RulesAddon } from '../../src/rules/rules-addon.js';
import type { RulesView, RuleView } from '../../src/rules/rule-views.js';
import { connectStation } from '../support/ocpp-peers.js';
import { startHarness, waitFor, type Harness } from './rules-harness.js';

/** Call a route the way the control server does: through the relay's route table. */
async function api<T>(h: Harness, method: HttpMethod, path: string): Promise<T> {
  const m = h.relay.control.match(method, path);
  assert.ok(m, `route ${method} ${path} is registered`);
  return (await m.handler({ method, params: m.params, query: new URLSearchParams(), body: undefined, headers: {} })) as T;
}

const tagRule = (id: string, tag: string, extra = ''): string => `rules:
  - id: ${id}
    match: { direction: to-csms, type: CALL, action: Authorize }${extra}
    actions:
      - set: { /idTag: ${tag} }
`;

test('the watched folder: a valid change applies, an invalid one is refused whole and the rules in force stay', async () => {
  const h = await startHarness({ watch: true });
  try {
    const cp = await h.station('CP-1');
    const tagSeen = async (): Promise<string> => {
      await cp.call('Authorize', { idTag: 'ORIGINAL' });
      return h.csms.received.at(-1)!.params.idTag as string;
    };
    assert.equal(await tagSeen(), 'ORIGINAL', 'no rules at first');

    await h.writeRules('tags.yaml', tagRule('tag-a', 'A'));
    await waitFor(() => h.rules.list().rules.length === 1, 'the new file to load');
    assert.equal(await tagSeen(), 'A');

    await h.writeRules('tags.yaml', `${tagRule('tag-b', 'B')}  - id: broken\n    actions: [ { explode: true } ]\n`);
    await waitFor(() => h.notices.some((n) => n.level === 'error' && n.text.includes('explode')), 'the refusal notice');
    const notice = h.notices.find((n) => n.level === 'error' && n.text.includes('explode'))!;
    assert.equal(notice.source, 'rules');
    assert.match(notice.text, /refused, the 1 rules in force stay/);
    assert.match(notice.text, /tags\.yaml:7:18: rule "broken" › actions\[0\]: unknown action "explode"/);
    const view = await api<RulesView>(h, 'GET', '/api/rules');
    assert.deepEqual(view.rules.map((r) => r.id), ['tag-a'], 'not even the valid half of the file was taken');
    assert.match(view.lastError!.problems[0]!, /unknown action "explode"/);
    assert.equal(await tagSeen(), 'A');

    await h.writeRules('tags.yaml', tagRule('tag-b', 'B'));
    await waitFor(() => h.rules.list().rules[0]?.id === 'tag-b', 'the fixed file to load');
    assert.equal(h.rules.list().lastError, null);
    assert.equal(await tagSeen(), 'B');

    await rm(join(h.dir, 'tags.yaml'));
    await waitFor(() => h.rules.list().rules.length === 0, 'the removal to apply');
    assert.equal(await tagSeen(), 'ORIGINAL');
  } finally {
    await h.close();
  }
});

test('a rule folder that does not exist yet is picked up when it appears', async () => {
  const h = await startHarness();
  const later = join(h.dir, 'later');
  const addon = new RulesAddon({ dir: later, debounceMs: 20 });
  const relay = await startRelay({ upstream: h.csms.url, addons: [addon], pingInterval: 0 });
  try {
    assert.equal(addon.list().rules.length, 0);
    await mkdir(later);
    await writeFile(join(later, 'a.yaml'), tagRule('tag-a', 'A'));
    await waitFor(() => addon.list().rules.length === 1, 'the new folder to be read', 8000);
    const cp = await connectStation({ url: `${relay.url}/ocpp/CP-L`, identity: 'CP-L' });
    await cp.call('Authorize', { idTag: 'X' });
    assert.equal(h.csms.received.at(-1)!.params.idTag, 'A');
    await cp.close();
  } finally {
    await relay.close();
    await h.close();
  }
});

test('control API: list with hit counts, enable, disable, reload', async () => {
  const h = await startHarness({ files: { 'a.yaml': tagRule('tag-a', 'A', '\n    description: rewrite tags') } });
  try {
    const cp = await h.station('CP-1');
    await cp.call('Authorize', { idTag: 'X' });
    await cp.call('Authorize', { idTag: 'X' });
    let view = await api<RulesView>(h, 'GET', '/api/rules');
    const rule = view.rules[0]!;
    assert.equal(rule.id, 'tag-a');
    assert.equal(rule.description, 'rewrite tags');
    assert.equal(rule.enabled, true);
    assert.equal(rule.hits, 2);
    assert.equal(rule.matched, 2);
    assert.equal(rule.line, 2);
    assert.match(rule.file, /a\.yaml$/);
    assert.equal(rule.explain, 'Sets /idTag to "A" in station→CSMS Authorize CALLs.');
    assert.equal(typeof view.seed, 'number');

    const off = await api<RuleView>(h, 'POST', '/api/rules/tag-a/disable');
    assert.equal(off.enabled, false);
    assert.equal(off.overridden, true);
    await cp.call('Authorize', { idTag: 'X' });
    assert.equal(h.csms.received.at(-1)!.params.idTag, 'X', 'a disabled rule does nothing');

    // A reload with the file unchanged keeps the override and the counters.
    assert.deepEqual(await api(h, 'POST', '/api/rules/reload'), { ok: true, rules: 1, enabled: 0 });
    view = await api<RulesView>(h, 'GET', '/api/rules');
    assert.equal(view.rules[0]!.enabled, false);
    assert.equal(view.rules[0]!.hits, 2);

    assert.equal((await api<RuleView>(h, 'POST', '/api/rules/tag-a/enable')).enabled, true);
    await cp.call('Authorize', { idTag: 'X' });
    assert.equal(h.csms.received.at(-1)!.params.idTag, 'A');

    await assert.rejects(api(h, 'POST', '/api/rules/nope/enable'), (e: unknown) => e instanceof ControlError && e.status === 404);
    await h.writeRules('a.yaml', 'rules:\n  - id: x\n    actions: [ { drop: false } ]\n');
    await assert.rejects(api(h, 'POST', '/api/rules/reload'), (e: unknown) => {
      assert.ok(e instanceof ControlError);
      assert.equal(e.status, 422);
      assert.match(e.message, /a\.yaml:3:\d+: rule "x" › actions\[0\]\.drop: must be true/);
      return true;
    });
    assert.equal((await api<RulesView>(h, 'GET', '/api/rules')).rules[0]!.id, 'tag-a', 'the rules in force stay');

    // The file changed the rule: the file speaks again (override dropped), counters restart.
    await h.writeRules('a.yaml', tagRule('tag-a', 'B', '\n    enabled: false'));
    await api(h, 'POST', '/api/rules/reload');
    const changed = (await api<RulesView>(h, 'GET', '/api/rules')).rules[0]!;
    assert.deepEqual([changed.enabled, changed.overridden, changed.hits], [false, false, 0]);
  } finally {
    await h.close();
  }
});

test('reloads under steady traffic lose, duplicate and reorder nothing, and never mix two rule sets on one frame', async () => {
  const h = await startHarness({ watch: true, debounceMs: 10 });
  // Two rules per version, each setting one field: a frame handled half by one set and half by another would
  // carry a mismatched pair.
  const version = (k: number): string => `rules:
  - id: id-${k}
    match: { direction: to-csms, action: DataTransfer }
    actions: [ { set: { /messageId: v${k} } } ]
  - id: vendor-${k}
    match: { direction: to-csms, action: DataTransfer }
    actions: [ { set: { /vendorId: V${k} } } ]
`;
  try {
    const N = 500;
    const cp = await h.station('CP-1', { callConcurrency: 10 });
    const calls = Array.from({ length: N }, (_, i) => cp.call('DataTransfer', { vendorId: 'V', messageId: 'none', data: String(i) }));
    let k = 0;
    while (h.csms.received.length < N && k < 8) {
      const threshold = Math.min(N - 1, (k + 1) * 50);
      await waitFor(() => h.csms.received.length >= threshold, `${threshold} frames`, 20_000);
      k++;
      await h.writeRules('live.yaml', version(k)); // the watcher reloads...
      void h.rules.reload(); // ...and so does the API, racing it
    }
    const answers = await Promise.all(calls);
    assert.ok(answers.every((a) => (a as { status: string }).status === 'Accepted'));
    const got = h.csms.received.filter((r) => r.method === 'DataTransfer');
    assert.deepEqual(got.map((r) => Number(r.params.data)), Array.from({ length: N }, (_, i) => i), 'all, once, in order');
    for (const r of got) {
      const { messageId, vendorId } = r.params as { messageId: string; vendorId: string };
      assert.ok(messageId === 'none' ? vendorId === 'V' : vendorId === `V${messageId.slice(1)}`, `one rule set per frame: ${messageId} ${vendorId}`);
    }
    const versions = new Set(got.map((r) => r.params.messageId));
    assert.ok(versions.size >= 3, `several rule sets were in force during the run (${[...versions].join(', ')})`);
  } finally {
    await h.close();
  }
});
