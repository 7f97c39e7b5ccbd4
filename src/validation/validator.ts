/**
 * Checks OCPP payloads against the OCA JSON schemas of their action and version.
 *
 * Two Ajv instances, both in strict mode so a schema defect fails at compile time:
 * - ajv-draft-04 for the 1.6 core files (they declare draft-04: no silent conversion of their dialect);
 * - Ajv (draft-07 core with the draft-06 meta-schema added) for the 1.6 security extension, 2.0.1 and 2.1.
 * Every schema is keyed by its version: 2.0.1 and 2.1 are never merged (a valid 2.0.1 payload can be invalid 2.1).
 * allErrors is on so an engineer sees every problem in a frame at once.
 *
 * @example
 * const v = createValidator();
 * v.validate('1.6', 'request', 'Authorize', {}).issues[0]?.message; // '/idTag: required field missing (required)'
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { isDateTime } from './date-time-format.js';
import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { OcppVersion, ValidationResult } from '../core/types.js';
import { errorCodeFor, violationClassOf } from './error-codes.js';
import { toIssues } from './issue-format.js';
import { countSchemas, loadSchemas, type LoadedSchema, type SchemaDirs, type SchemaKind } from './schema-loader.js';

// CommonJS packages: under NodeNext their default import is the module object, the class sits on `.default`.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;
const draft06Meta = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json') as object;

export interface ValidatorOptions {
  /**
   * Compile each schema on its first use instead of all at creation. Start-up then costs only reading the files
   * (tens of ms), and the first frame of each action pays its compile (a few ms). Default false.
   */
  lazy?: boolean;
  /** Where the schema sets are (default: resolved in node_modules). */
  dirs?: SchemaDirs;
}

export interface ValidatorStats {
  /** Milliseconds spent reading, fixing and (unless lazy) compiling the schemas. */
  startupMs: number;
  /** Milliseconds spent compiling so far. */
  compileMs: number;
  /** Schemas compiled so far. */
  compiled: number;
  schemas: Record<OcppVersion, { files: number; actions: number }>;
}

export interface OcppValidator {
  validate(version: OcppVersion, kind: SchemaKind, action: string, payload: unknown): ValidationResult;
  hasAction(version: OcppVersion, action: string): boolean;
  /** Every action with a schema in `version`, sorted. */
  actions(version: OcppVersion): string[];
  /** Compiles every schema not compiled yet (a lazy validator warms up; an eager one is already done). */
  compileAll(): void;
  /**
   * Compiles what is not compiled yet in the background, one schema per event-loop turn, the busiest actions
   * first, so a lazy validator reaches steady state without stalling frames. Resolves when done or aborted.
   */
  warmUp(signal?: AbortSignal): Promise<void>;
  stats(): ValidatorStats;
}

// multipleOfPrecision: 1.6 declares `multipleOf: 0.1` on charging limits; without it 0.7 / 0.1 = 6.999… fails.
const AJV_OPTIONS: Options = { strict: true, allErrors: true, multipleOfPrecision: 9 };
/** OCA's own annotation keywords: they carry no constraint. */
const OCA_KEYWORDS = ['javaType', 'comment'];

function configure<T extends InstanceType<typeof Ajv> | InstanceType<typeof Ajv04>>(ajv: T): T {
  addFormats(ajv, ['uri']);
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addVocabulary(OCA_KEYWORDS);
  return ajv;
}

interface Entry {
  loaded: LoadedSchema;
  /** `version/name`, as verdicts name it: made once, not per frame. */
  schema: string;
  fn?: ValidateFunction;
}

export function createValidator(opts: ValidatorOptions = {}): OcppValidator {
  const t0 = performance.now();
  const ajv04 = configure(new Ajv04(AJV_OPTIONS));
  const ajv06 = new Ajv(AJV_OPTIONS);
  ajv06.addMetaSchema(draft06Meta);
  configure(ajv06);

  const loaded = loadSchemas(opts.dirs);
  const entries = new Map<string, Entry>();
  // Per version and kind, by action: a frame's lookup builds no key string.
  const byKind = (): Record<SchemaKind, Map<string, Entry>> => ({ request: new Map(), response: new Map() });
  const lookup: Record<OcppVersion, Record<SchemaKind, Map<string, Entry>>> = { '1.6': byKind(), '2.0.1': byKind(), '2.1': byKind() };
  const actionsByVersion: Record<OcppVersion, Set<string>> = { '1.6': new Set(), '2.0.1': new Set(), '2.1': new Set() };
  for (const schema of loaded) {
    const entry: Entry = { loaded: schema, schema: `${schema.version}/${schema.name}` };
    entries.set(key(schema.version, schema.action, schema.kind), entry);
    lookup[schema.version][schema.kind].set(schema.action, entry);
    actionsByVersion[schema.version].add(schema.action);
  }
  const sortedActions: Record<OcppVersion, string[]> = {
    '1.6': [...actionsByVersion['1.6']].sort(),
    '2.0.1': [...actionsByVersion['2.0.1']].sort(),
    '2.1': [...actionsByVersion['2.1']].sort(),
  };
  let compileMs = 0;
  let compiled = 0;

  const compile = (entry: Entry): ValidateFunction => {
    if (entry.fn) return entry.fn;
    const start = performance.now();
    const ajv = entry.loaded.dialect === 'draft-04' ? ajv04 : ajv06;
    try {
      entry.fn = ajv.compile(entry.loaded.schema);
    } catch (err) {
      throw new Error(`OCPP schemas: cannot compile ${entry.loaded.path}: ${(err as Error).message}`);
    }
    compileMs += performance.now() - start;
    compiled++;
    return entry.fn;
  };

  const compileAll = (): void => {
    for (const entry of entries.values()) compile(entry);
  };
  const warmUp = async (signal?: AbortSignal): Promise<void> => {
    const order = [...entries.values()].sort((a, b) => rank(a.loaded.action) - rank(b.loaded.action));
    for (const entry of order) {
      if (signal?.aborted) return;
      if (entry.fn) continue;
      compile(entry);
      await nextTurn();
    }
  };
  if (!opts.lazy) compileAll();
  const startupMs = performance.now() - t0;
  const schemas = countSchemas(loaded);

  return {
    validate(version, kind, action, payload) {
      const entry = lookup[version]?.[kind]?.get(action);
      if (!entry) {
        return {
          valid: false,
          errorCode: errorCodeFor(version, 'not-implemented'),
          issues: [{ path: '', rule: 'unknown-action', message: `"${action}" is not an OCPP ${version} action` }],
        };
      }
      const fn = entry.fn ?? compile(entry);
      const schema = entry.schema;
      if (fn(payload)) return { valid: true, issues: [], schema };
      const errors = fn.errors ?? [];
      const first = errors[0];
      return {
        valid: false,
        errorCode: errorCodeFor(version, first ? violationClassOf(first.keyword) : 'generic'),
        issues: toIssues(errors, payload),
        schema,
      };
    },
    hasAction: (version, action) => actionsByVersion[version]?.has(action) ?? false,
    actions: (version) => [...(sortedActions[version] ?? [])],
    compileAll,
    warmUp,
    stats: () => ({ startupMs, compileMs, compiled, schemas }),
  };
}

/** Actions nearly every session sends, warmed up first. */
const BUSY_ACTIONS = ['Heartbeat', 'StatusNotification', 'MeterValues', 'TransactionEvent', 'Authorize', 'BootNotification',
  'StartTransaction', 'StopTransaction', 'DataTransfer', 'NotifyEvent', 'NotifyReport', 'SecurityEventNotification'];
const rank = (action: string): number => {
  const i = BUSY_ACTIONS.indexOf(action);
  return i === -1 ? BUSY_ACTIONS.length : i;
};

const key = (version: OcppVersion, action: string, kind: SchemaKind): string => `${version}\0${action}\0${kind}`;

let shared: OcppValidator | undefined;

/**
 * One lazy validator per process, created on first use: relays started in the same process share its compiled
 * schemas, and start-up does not wait for the compile (the validation addon warms it up in the background).
 */
export function sharedValidator(): OcppValidator {
  shared ??= createValidator({ lazy: true });
  return shared;
}
