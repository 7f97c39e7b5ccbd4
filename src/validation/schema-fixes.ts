/**
 * The one place where the published OCA schema files are corrected before they are compiled.
 *
 * The files are kept as published on disk; each defect is repaired here, on the parsed JSON, by a named fix that
 * says which defect it repairs and why the repair does not loosen validation. Ajv in strict mode refuses every
 * one of these defects, so a new defect in a future schema release fails loudly at compile time instead of
 * being silently ignored.
 */
import type { OcppVersion } from '../core/types.js';

export type JsonObject = Record<string, unknown>;

/** Which schema file a fix looks at. */
export interface SchemaFileRef {
  version: OcppVersion;
  action: string;
  kind: 'request' | 'response';
}

export interface SchemaFix {
  readonly name: string;
  /** The defect, in one sentence. */
  readonly defect: string;
  appliesTo(file: SchemaFileRef): boolean;
  /** Repairs `schema` in place; returns how many places it changed (0: the defect is not there). */
  apply(schema: JsonObject): number;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords whose value is a map of sub-schemas. */
const SCHEMA_MAPS = ['definitions', 'properties', 'patternProperties', 'dependencies'] as const;
/** Keywords whose value is a sub-schema or an array of them. */
const SCHEMA_VALUES = ['items', 'additionalItems', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf', 'contains'] as const;

/**
 * Visits every sub-schema (not every JSON object: a property *named* `additionalProperties` is data, not a
 * keyword), depth first, the root included.
 */
export function forEachSubschema(schema: JsonObject, visit: (node: JsonObject) => void): void {
  visit(schema);
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (isObject(map)) for (const sub of Object.values(map)) if (isObject(sub)) forEachSubschema(sub, visit);
  }
  for (const key of SCHEMA_VALUES) {
    const value = schema[key];
    if (Array.isArray(value)) for (const sub of value) if (isObject(sub)) forEachSubschema(sub, visit);
    if (isObject(value)) forEachSubschema(value, visit);
  }
}

/**
 * OCA 2.0.1: the schema generator put `"additionalProperties": false` on every *Type definition, enums (type
 * string) included. The keyword only constrains objects, so on a string it does nothing; Ajv strict mode rejects
 * it ("missing type object for keyword additionalProperties"). Removing it changes no verdict.
 */
export const dropAdditionalPropertiesOnNonObjects: SchemaFix = {
  name: 'drop-additionalProperties-on-non-objects',
  defect: '"additionalProperties" on a schema whose type is not object (enum definitions)',
  appliesTo: () => true,
  apply(schema) {
    let changed = 0;
    forEachSubschema(schema, (node) => {
      if ('additionalProperties' in node && typeof node.type === 'string' && node.type !== 'object') {
        delete node.additionalProperties;
        changed++;
      }
    });
    return changed;
  },
};

/**
 * OCA 2.0.1: arrays carry `"additionalItems": false` beside a single `items` schema. `additionalItems` only
 * applies when `items` is an array of schemas (a tuple), so it is ignored here; Ajv strict mode rejects it
 * ("additionalItems is ignored when items is not an array of schemas"). Removing it changes no verdict.
 */
export const dropAdditionalItemsWithoutTuple: SchemaFix = {
  name: 'drop-additionalItems-without-tuple',
  defect: '"additionalItems" beside an "items" that is a single schema, not a tuple',
  appliesTo: () => true,
  apply(schema) {
    let changed = 0;
    forEachSubschema(schema, (node) => {
      if ('additionalItems' in node && !Array.isArray(node.items)) {
        delete node.additionalItems;
        changed++;
      }
    });
    return changed;
  },
};

/**
 * OCA 1.6 SendLocalList.json: in localAuthorizationList[].idTagInfo, `expiryDate` and `parentIdTag` stand beside
 * `properties` instead of inside it, so they are unknown keywords and neither field is checked (a malformed
 * expiryDate passes). Ajv strict mode rejects the unknown keyword. They move into `properties`, where the 1.6
 * spec (§7.27 IdTagInfo) and every other 1.6 schema that embeds IdTagInfo put them.
 */
export const moveSendLocalListIdTagInfoFields: SchemaFix = {
  name: 'move-sendlocallist-idtaginfo-fields',
  defect: '1.6 SendLocalList idTagInfo: "expiryDate" and "parentIdTag" outside "properties"',
  appliesTo: (f) => f.version === '1.6' && f.action === 'SendLocalList' && f.kind === 'request',
  apply(schema) {
    const list = (schema.properties as JsonObject | undefined)?.localAuthorizationList;
    const items = isObject(list) ? list.items : undefined;
    const info = isObject(items) && isObject(items.properties) ? items.properties.idTagInfo : undefined;
    if (!isObject(info)) return 0;
    let changed = 0;
    for (const field of ['expiryDate', 'parentIdTag']) {
      if (!isObject(info[field])) continue;
      const props = isObject(info.properties) ? info.properties : (info.properties = {});
      (props as JsonObject)[field] ??= info[field];
      delete info[field];
      changed++;
    }
    return changed;
  },
};

/**
 * ocpp-rpc's 2.1 bundle: each schema's `$id` is `urn:<Name>` (OCA's files carry a longer id). A URN without a
 * namespace specific part cannot be serialised by the URI library of Ajv ≥ 8.17, which refuses to compile it
 * ("URN without nid cannot be serialized"). The id is rewritten to `urn:OCPP:2.1:<Name>`: still unique, names the
 * version, and no `$ref` points to it (they are all local `#/definitions/…`), so no verdict changes.
 */
export const qualifyBareUrnIds: SchemaFix = {
  name: 'qualify-bare-urn-ids',
  defect: '"$id" "urn:<Name>" that Ajv cannot serialise',
  appliesTo: (f) => f.version === '2.1',
  apply(schema) {
    const id = schema.$id;
    if (typeof id !== 'string' || !/^urn:[^:]+$/.test(id)) return 0;
    schema.$id = `urn:OCPP:2.1:${id.slice(4)}`;
    return 1;
  },
};

/** Every fix, in the order they run. */
export const SCHEMA_FIXES: readonly SchemaFix[] = [
  dropAdditionalPropertiesOnNonObjects,
  dropAdditionalItemsWithoutTuple,
  moveSendLocalListIdTagInfoFields,
  qualifyBareUrnIds,
];

/** Applies every fix that concerns `file` to `schema` (in place); returns the names of those that changed it. */
export function applySchemaFixes(file: SchemaFileRef, schema: JsonObject): string[] {
  const applied: string[] = [];
  for (const fix of SCHEMA_FIXES) {
    if (fix.appliesTo(file) && fix.apply(schema) > 0) applied.push(fix.name);
  }
  return applied;
}
