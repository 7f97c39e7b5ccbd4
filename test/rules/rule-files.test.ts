/** `rules check` / `rules explain`: the shipped examples, and bad files with the messages an engineer needs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay } from '../../src/core/relay.js';
import { explainRule } from '../../src/rules/explain.js';
import { checkRules, explainRules } from '../../src/rules/rules-commands.js';
import { RulesAddon } from '../../src/rules/rules-addon.js';
import { startCsms } from '../support/ocpp-peers.js';

const EXAMPLES = new URL('../../rules/examples/', import.meta.url).pathname;
const DEFAULT_DIR = new URL('../../rules/', import.meta.url).pathname;

async function withDir<T>(files: Record<string, string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-rulefiles-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const check = (files: Record<string, string>) => withDir(files, (dir) => checkRules(dir).then((r) => ({ ...r, text: r.text.replaceAll(dir, 'DIR') })));

test('every example file passes rules check, alone and together', async () => {
  const names = (await readdir(EXAMPLES)).filter((n) => n.endsWith('.yaml'));
  assert.ok(names.length >= 9, 'the nine scenarios ship');
  for (const name of names) {
    const r = await checkRules(join(EXAMPLES, name));
    assert.ok(r.ok, `${name}: ${r.text}`);
  }
  const all = await checkRules(EXAMPLES);
  assert.ok(all.ok, all.text);
  assert.match(all.text, new RegExp(`in ${names.length} files: valid`));
  const explained = await explainRules(EXAMPLES);
  assert.match(explained.text, /slow-boot-answer \[.*slow-boot-answer\.yaml:5\]\n {2}Delays CSMS→station BootNotification CALLRESULTs by 5000±500 ms\./);
});

test('every rule file shown in docs/rules.md passes rules check', async () => {
  const doc = await readFile(new URL('../../docs/rules.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^rules:/m.test(b));
  assert.ok(blocks.length >= 2);
  for (const [i, block] of blocks.entries()) {
    const r = await check({ [`doc-${i}.yaml`]: block });
    assert.ok(r.ok, `block ${i}:\n${r.text}`);
  }
});

test('the default rules folder holds no active rule: examples live in a sub-folder that is not read', async () => {
  const r = await checkRules(DEFAULT_DIR);
  assert.ok(r.ok);
  assert.match(r.text, /no rule files/);
});

test('a missing folder is no rules, not an error', async () => {
  const r = await checkRules(join(tmpdir(), 'ocpp-mitm-does-not-exist-' + process.pid));
  assert.ok(r.ok);
  assert.match(r.text, /no rule files/);
});

test('explain() reads as one sentence', () => {
  assert.equal(
    explainRule({
      id: 'slow-boot',
      match: { direction: 'to-station', type: 'CALLRESULT', action: 'BootNotification', station: 'CP-*' },
      actions: [{ delay: { ms: 5000, jitter: 500 } }],
    }),
    'Delays CSMS→station BootNotification CALLRESULTs by 5000±500 ms for stations CP-*.',
  );
  assert.equal(
    explainRule({ id: 'x', match: { action: 'Heartbeat', direction: 'to-csms' }, when: { every: 3 }, actions: [{ drop: true }] }),
    'Drops station→CSMS Heartbeat frames every 3rd match.',
  );
});

test('a YAML syntax error names file, line and column', async () => {
  const r = await check({ 'broken.yaml': 'rules:\n  - id: a\n    actions: [ { drop: true }\n  - id: b\n' });
  assert.equal(r.ok, false);
  assert.match(r.text, /^DIR\/broken\.yaml:\d+:\d+: syntax error: /m);
  const line = Number(/broken\.yaml:(\d+):/.exec(r.text)![1]);
  assert.ok(line >= 3 && line <= 4, `line ${line}`);
});

test('an empty file is refused (it may be half-written), a comment-only file holds no rules', async () => {
  const r = await check({ 'a.yaml': '\n' });
  assert.equal(r.ok, false);
  assert.match(r.text, /^DIR\/a\.yaml:1:1: the file is empty: write "rules: \[\]" for a file without rules$/m);
  const c = await check({ 'a.yaml': '# nothing yet\n' });
  assert.ok(c.ok, c.text);
  assert.match(c.text, /0 rules in 1 file: valid/);
});

test('an unknown action names the action, its line, and the actions there are', async () => {
  const r = await check({
    'a.yaml': 'rules:\n  - id: boom\n    actions:\n      - delay: 10\n      - explode: true\n',
  });
  assert.equal(r.ok, false);
  assert.match(r.text, /^DIR\/a\.yaml:5:9: rule "boom" › actions\[1\]: unknown action "explode"; the actions are: set, delete, rename, replace, delay, drop, duplicate, answer, inject, disconnect, malformed$/m);
});

test('wrong types and values point at the value, in YAML and in JSON', async () => {
  const r = await check({
    'a.yaml': [
      'rules:',
      '  - id: typed',
      '    match: { direction: upstream, type: CALL, version: 1.6 }',
      '    when:',
      '      probability: 2',
      '    actions:',
      '      - delay: 5s',
      '      - set: { idTag: X }',
      '    colour: red',
    ].join('\n'),
    'b.json': '{\n  "rules": [\n    {\n      "id": "j",\n      "actions": [ { "drop": "yes" } ]\n    }\n  ]\n}\n',
  });
  assert.equal(r.ok, false);
  const lines = r.text.split('\n');
  const has = (re: RegExp): void => assert.ok(lines.some((l) => re.test(l)), `expected a line like ${re}\n${r.text}`);
  has(/^DIR\/a\.yaml:3:25: rule "typed" › match\.direction: must be one of: to-csms, to-station, both \(found "upstream"\)$/);
  has(/^DIR\/a\.yaml:3:\d+: rule "typed" › match\.version: write it in quotes: "1\.6" \(unquoted, YAML reads a number\)$/);
  has(/^DIR\/a\.yaml:5:20: rule "typed" › when\.probability: must be <= 1 \(found 2\)$/);
  has(/^DIR\/a\.yaml:7:16: rule "typed" › actions\[0\]\.delay: write milliseconds: "delay: 5000", or "delay: \{ ms: 5000, jitter: 500 \}" \(found "5s"\)$/);
  has(/^DIR\/a\.yaml:8:16: rule "typed" › actions\[1\]\.set: "idTag" is not a JSON Pointer: start it with "\/", e\.g\. "\/idTag"$/);
  has(/^DIR\/a\.yaml:9:5: rule "typed": unknown key "colour"; allowed here: id, description, enabled, match, when, actions$/);
  has(/^DIR\/b\.json:5:30: rule "j" › actions\[0\]\.drop: must be boolean or object \(found "yes"\)$/);
});

test('a final action followed by another is refused, saying which and how to fix it', async () => {
  const r = await check({
    'a.yaml': 'rules:\n  - id: late\n    actions:\n      - drop: true\n      - delay: 100\n',
  });
  assert.equal(r.ok, false);
  assert.match(
    r.text,
    /^DIR\/a\.yaml:5:9: rule "late" › actions\[1\]: "delay" follows "drop", but drop is a final action \(the frame is gone after it\): move "drop" to the end of actions, or remove what follows it$/m,
  );
  // malformed is final when it replaces the frame, not when it is sent in addition.
  const ok = await check({ 'b.yaml': 'rules:\n  - id: extra\n    actions:\n      - malformed: { preset: empty, replace: false }\n      - delay: 100\n' });
  assert.ok(ok.ok, ok.text);
});

test('checks the schema cannot make: duplicate ids, answer on answers, bad regex, close codes, conflicting seeds', async () => {
  const r = await check({
    'a.yaml': [
      'seed: 1',
      'rules:',
      '  - id: same',
      '    match: { type: CALLRESULT, where: { /x: { regex: "(" } } }',
      '    actions: [ { answer: { payload: {} } } ]',
      '  - id: closer',
      '    actions: [ { disconnect: { code: 1006 } } ]',
    ].join('\n'),
    'b.yaml': 'seed: 2\nrules:\n  - id: same\n    actions: [ { drop: true } ]\n',
  });
  assert.equal(r.ok, false);
  assert.match(r.text, /a\.yaml:5:16: rule "same" › actions\[0\]: "answer" answers a CALL, but this rule matches CALLRESULTs/);
  assert.match(r.text, /a\.yaml:4:\d+: rule "same" › match\.where\["\/x"\]\.regex: bad regular expression/);
  assert.match(r.text, /a\.yaml:7:\d+: rule "closer" › actions\[0\]\.disconnect\.code: close code 1006 cannot be sent/);
  // Those problems stop a.yaml before the folder-wide checks; fix it and the cross-file ones show.
  const r2 = await check({
    'a.yaml': 'seed: 1\nrules:\n  - id: same\n    actions: [ { drop: true } ]\n',
    'b.yaml': 'seed: 2\nrules:\n  - id: same\n    actions: [ { drop: true } ]\n',
  });
  assert.match(r2.text, /b\.yaml:3:9: rule "same": duplicate rule id \(first defined at DIR\/a\.yaml:3\)/);
  assert.match(r2.text, /b\.yaml:1:7: seed: seed 2 differs from seed 1 in DIR\/a\.yaml/);
});

test('the proxy refuses to start on invalid rules, naming the problem', async () => {
  await withDir({ 'a.yaml': 'rules:\n  - id: x\n    actions: [ { explode: 1 } ]\n' }, async (dir) => {
    const csms = await startCsms();
    try {
      await assert.rejects(
        startRelay({ upstream: csms.url, addons: [new RulesAddon({ dir, watch: false })] }),
        /rules in .* are invalid:\n.*a\.yaml:3:18: rule "x" › actions\[0\]: unknown action "explode"/,
      );
    } finally {
      await csms.close();
    }
  });
});
