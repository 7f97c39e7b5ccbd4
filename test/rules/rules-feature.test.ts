/** The Feature as the CLI sees it: start options, the addon they make, and the `rules` commands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { RELAY_DEFAULTS } from '../../src/core/relay.js';
import { silentLogger } from '../../src/log.js';
import { rulesFeature, RulesAddon } from '../../src/rules/index.js';
import { registerRulesCommands } from '../../src/rules/rules-commands.js';
import { commandContext } from '../../src/command-context.js';
import { ACTION_NAMES } from '../../src/rules/actions/index.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const EXAMPLES = new URL('../../rules/examples/', import.meta.url).pathname;

function startCommand(): Command {
  const cmd = new Command('start').exitOverride().configureOutput({ writeErr: () => {} });
  rulesFeature.startOptions!(cmd);
  return cmd;
}

test('start options: --rules defaults to ./rules (read when it exists), a folder given must exist; --rules-seed takes an integer', async () => {
  const env = { logger: silentLogger(), relay: { ...RELAY_DEFAULTS, upstream: 'ws://127.0.0.1:1/' } };
  const plain = startCommand().parse([], { from: 'user' }).opts();
  const [addon] = await rulesFeature.addons!(plain, env);
  assert.ok(addon instanceof RulesAddon);
  assert.deepEqual([addon.opts.dir, addon.opts.seed], ['./rules', undefined]);

  const given = startCommand().parse(['--rules', EXAMPLES, '--rules-seed', '42'], { from: 'user' }).opts();
  const [seeded] = (await rulesFeature.addons!(given, env)) as RulesAddon[];
  assert.deepEqual([seeded!.opts.dir, seeded!.opts.seed], [EXAMPLES, 42]);

  // A folder the user names that does not exist is a mistake, not "0 rules".
  const missing = startCommand().parse(['--rules', 'no-such-rules-dir'], { from: 'user' }).opts();
  await assert.rejects(async () => rulesFeature.addons!(missing, env), /--rules no-such-rules-dir: no such folder/);

  assert.throws(() => startCommand().parse(['--rules-seed', 'abc'], { from: 'user' }), /a seed is an integer/);
});

test('`rules check` and `rules explain` print, and fail on problems', async () => {
  const out: string[] = [];
  const err: string[] = [];
  let failed = 0;
  const run = async (...args: string[]): Promise<void> => {
    const program = new Command().exitOverride();
    registerRulesCommands(program, { out: (t) => out.push(t), err: (t) => err.push(t), fail: () => failed++ });
    await program.parseAsync(args, { from: 'user' });
  };
  await run('rules', 'check', EXAMPLES);
  assert.match(out.join(''), /rules in \d+ files: valid/);
  assert.equal(failed, 0);
  await run('rules', 'explain', EXAMPLES);
  assert.match(out.join(''), /heartbeat-drop-10pct \[.*\]\n {2}Drops station→CSMS Heartbeat CALLs with probability 10%\./);
  await run('rules', 'check', new URL('./rules-feature.test.ts', import.meta.url).pathname);
  assert.match(err.join(''), /rules-feature\.test\.ts:\d+:\d+: .*\n\d+ problems? in /);
  assert.equal(failed, 1);

  // The Feature registers the same commands on the CLI's program.
  const program = new Command();
  rulesFeature.commands!(program, commandContext([rulesFeature]));
  const rules = program.commands.find((c) => c.name() === 'rules')!;
  assert.deepEqual(rules.commands.map((c) => c.name()), ['check', 'explain', 'schema']);

  // `rules schema` prints the whole schema, every registered action in it, and it checks the example rules.
  out.length = 0;
  await run('rules', 'schema');
  const printed = JSON.parse(out.join('')) as { definitions: { action: { propertyNames: { enum: string[] }; properties: Record<string, unknown> } } };
  assert.deepEqual(printed.definitions.action.propertyNames.enum, ACTION_NAMES);
  assert.deepEqual(Object.keys(printed.definitions.action.properties), ACTION_NAMES);
  const ajv = new Ajv({ strict: false });
  const validate = ajv.compile(printed);
  for (const file of (await readdir(EXAMPLES)).filter((n) => n.endsWith('.yaml'))) {
    assert.ok(validate(parse(await readFile(join(EXAMPLES, file), 'utf8'))), `${file}: ${ajv.errorsText(validate.errors)}`);
  }
  assert.equal(validate(parse('rules:\n  - id: x\n    actions: [{ explode: true }]\n')), false, 'an action outside the registry is refused');
});
