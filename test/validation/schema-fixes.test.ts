import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import {
  applySchemaFixes,
  dropAdditionalItemsWithoutTuple,
  dropAdditionalPropertiesOnNonObjects,
  moveSendLocalListIdTagInfoFields,
  qualifyBareUrnIds,
  SCHEMA_FIXES,
  type JsonObject,
} from '../../src/validation/schema-fixes.js';
import { listSchemaFiles, readRawSchema, type SchemaFile } from '../../src/validation/schema-loader.js';
import { createValidator } from '../../src/validation/validator.js';

const files = listSchemaFiles();
const raw = (f: SchemaFile): JsonObject => (f.entry ? readRawSchema(f) : JSON.parse(readFileSync(f.path, 'utf8'))) as JsonObject;
const file = (version: '1.6' | '2.0.1' | '2.1', action: string, kind: 'request' | 'response'): SchemaFile =>
  files.find((f) => f.version === version && f.action === action && f.kind === kind)!;
const draft06 = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json') as object;

/** A strict Ajv like the validator's, without the fix step, to show each defect is real. */
function strictAjv(dialect: 'draft-04' | 'draft-06', strict = true) {
  const ajv = dialect === 'draft-04' ? new Ajv04Module.default({ strict, allErrors: true }) : new Ajv({ strict, allErrors: true });
  if (dialect === 'draft-06') ajv.addMetaSchema(draft06);
  addFormatsModule.default(ajv, ['date-time', 'uri']);
  ajv.addVocabulary(['javaType', 'comment']);
  return ajv;
}

const validator = createValidator({ lazy: true });

test('additionalProperties on enum definitions: present in the published 2.0.1 files, gone after the fix', () => {
  const f = file('2.0.1', 'BootNotification', 'request');
  const schema = raw(f);
  const defs = schema.definitions as Record<string, JsonObject>;
  assert.equal(defs.BootReasonEnumType!.type, 'string');
  assert.equal(defs.BootReasonEnumType!.additionalProperties, false, 'the defect is in the raw file');
  assert.throws(() => strictAjv('draft-06').compile(raw(f)), /missing type "object" for keyword "additionalProperties"/);

  assert.ok(dropAdditionalPropertiesOnNonObjects.apply(schema) > 0);
  assert.equal(dropAdditionalPropertiesOnNonObjects.apply(schema), 0, 'nothing left to fix');
  assert.equal('additionalProperties' in defs.BootReasonEnumType!, false);
  assert.equal(defs.ChargingStationType!.additionalProperties, false, 'objects keep additionalProperties: false');
  assert.equal(schema.additionalProperties, false);
  strictAjv('draft-06').compile(schema);

  // The fixed schema still rejects what it should: an enum value outside the list, an unknown field.
  const bad = validator.validate('2.0.1', 'request', 'BootNotification', {
    reason: 'Bored',
    chargingStation: { model: 'M', vendorName: 'V', colour: 'red' },
  });
  assert.deepEqual(bad.issues.map((i) => i.rule).sort(), ['additionalProperties', 'enum']);
});

test('additionalItems without a tuple: present in the published 2.0.1 files, gone after the fix', () => {
  const f = file('2.0.1', 'SetVariables', 'request');
  const schema = raw(f);
  const list = (schema.properties as Record<string, JsonObject>).setVariableData!;
  assert.equal(list.additionalItems, false, 'the defect is in the raw file');
  assert.equal(Array.isArray(list.items), false);

  assert.ok(dropAdditionalItemsWithoutTuple.apply(schema) > 0);
  assert.equal(dropAdditionalItemsWithoutTuple.apply(schema), 0);
  assert.equal('additionalItems' in list, false);
  dropAdditionalPropertiesOnNonObjects.apply(schema);
  strictAjv('draft-06').compile(schema);

  // Items are still checked, and the list still needs at least one.
  const empty = validator.validate('2.0.1', 'request', 'SetVariables', { setVariableData: [] });
  assert.equal(empty.issues[0]?.rule, 'minItems');
  const badItem = validator.validate('2.0.1', 'request', 'SetVariables', {
    setVariableData: [{ attributeValue: '1', component: { name: 'C' }, variable: { name: 'V' }, extra: 1 }],
  });
  assert.equal(badItem.issues[0]?.path, '/setVariableData/0/extra');
});

test('1.6 SendLocalList: expiryDate and parentIdTag outside properties in the published file, moved in by the fix', () => {
  const f = file('1.6', 'SendLocalList', 'request');
  const schema = raw(f);
  const info = () =>
    ((((schema.properties as Record<string, JsonObject>).localAuthorizationList!.items as JsonObject).properties as Record<string, JsonObject>)
      .idTagInfo as JsonObject);
  assert.ok('expiryDate' in info(), 'the defect is in the raw file');
  assert.ok('parentIdTag' in info());
  assert.throws(() => strictAjv('draft-04').compile(raw(f)), /unknown keyword: "expiryDate"/);

  const payload = {
    listVersion: 1,
    updateType: 'Full',
    localAuthorizationList: [{ idTag: 'TAG1', idTagInfo: { status: 'Accepted', expiryDate: 'next tuesday', parentIdTag: 'P'.repeat(21) } }],
  };
  // Unfixed (and not strict) the two fields are not checked at all: the defect lets bad data through.
  assert.equal(strictAjv('draft-04', false).compile(raw(f))(payload), true);

  assert.equal(moveSendLocalListIdTagInfoFields.apply(schema), 2);
  assert.equal(moveSendLocalListIdTagInfoFields.apply(schema), 0);
  assert.equal('expiryDate' in info(), false);
  assert.deepEqual(Object.keys(info().properties as object).sort(), ['expiryDate', 'parentIdTag', 'status']);
  strictAjv('draft-04').compile(schema);

  const result = validator.validate('1.6', 'request', 'SendLocalList', payload);
  assert.deepEqual(result.issues.map((i) => i.message), [
    '/localAuthorizationList/0/idTagInfo/expiryDate: "next tuesday" is not a valid date-time (format)',
    '/localAuthorizationList/0/idTagInfo/parentIdTag: longer than 20 characters (maxLength)',
  ]);
  const ok = structuredClone(payload);
  ok.localAuthorizationList[0]!.idTagInfo = { status: 'Accepted', expiryDate: '2026-12-31T23:59:59Z', parentIdTag: 'P1' };
  assert.equal(validator.validate('1.6', 'request', 'SendLocalList', ok).valid, true);
});

test('the fix step applies only where a defect is, and records which fixes ran', () => {
  let fixedFiles = 0;
  for (const f of files) {
    const schema = raw(f);
    const applied = applySchemaFixes(f, schema);
    if (applied.length) fixedFiles++;
    // After the step no fix finds anything left to do.
    for (const fix of SCHEMA_FIXES) if (fix.appliesTo(f)) assert.equal(fix.apply(schema), 0, `${fix.name} on ${f.name}`);
    if (f.version === '1.6' && f.action !== 'SendLocalList') assert.deepEqual(applied, [], `1.6 ${f.name} needs no fix`);
  }
  assert.ok(fixedFiles > 64, `most 2.0.1 files carry a defect (${fixedFiles})`);
});

test('a field named like a keyword is data, not a keyword', () => {
  const schema: JsonObject = {
    type: 'object',
    properties: { additionalProperties: { type: 'string', maxLength: 3 }, additionalItems: { type: 'integer' } },
  };
  assert.equal(dropAdditionalPropertiesOnNonObjects.apply(schema), 0);
  assert.equal(dropAdditionalItemsWithoutTuple.apply(schema), 0);
  assert.deepEqual(Object.keys(schema.properties as object), ['additionalProperties', 'additionalItems']);
});

test('2.1 bundle ids "urn:<Name>": Ajv refuses to compile them as published, the loader step qualifies them', () => {
  const f = file('2.1', 'NotifyPeriodicEventStream', 'request');
  assert.equal(f.name, 'NotifyPeriodicEventStream', 'a SEND schema: no Request suffix, read as the request');
  const schema = raw(f);
  assert.equal(schema.$id, 'urn:NotifyPeriodicEventStream');
  assert.throws(() => new Ajv({ strict: true }).addVocabulary(['javaType', 'comment']).compile(raw(f)), /URN without nid/);
  assert.equal(qualifyBareUrnIds.apply(schema), 1);
  assert.equal(schema.$id, 'urn:OCPP:2.1:NotifyPeriodicEventStream');
  assert.equal(qualifyBareUrnIds.apply(schema), 0, 'nothing left to fix');
  assert.equal(qualifyBareUrnIds.appliesTo(file('2.0.1', 'BootNotification', 'request')), false, '2.0.1 ids are left alone');
  // Fixed, it still refuses what it should.
  const bad = validator.validate('2.1', 'request', 'NotifyPeriodicEventStream', { id: -1, pending: 0, basetime: 'x', data: [] });
  assert.deepEqual(bad.issues.map((i) => i.rule).sort(), ['format', 'minItems', 'minimum']);
});
