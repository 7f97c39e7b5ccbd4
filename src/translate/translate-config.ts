/**
 * The translation config: which stations are translated (identity globs), the overflow policy, the idToken type
 * a 1.6 idTag becomes, extra configuration-key mappings and connector ↔ EVSE maps. Read from YAML
 * (`--translate-config FILE`), merged with the CLI switches (`--upstream-protocol`, `--translate-overflow`).
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import type { OcppVersion } from '../core/types.js';
import { buildKeyMap, type KeyMap, type KeyTarget } from './config-keys.js';

export type OverflowPolicy = 'truncate' | 'reject';
export type UpstreamProtocol = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';

/** One EVSE/connector of 2.0.1 for a 1.6 connectorId. */
export interface EvseRef {
  evse: number;
  connector: number;
}

/** The file, as written by the user. */
export interface TranslateConfigFile {
  /** First match wins. A station that matches no entry is relayed untranslated (unless --upstream-protocol). */
  stations?: { match: string; upstreamProtocol: UpstreamProtocol | 'none' }[];
  overflow?: OverflowPolicy;
  /** Type of the 2.0.1 idToken made from a 1.6 idTag. */
  idTokenType?: string;
  /** 2.0.1 component that carries 1.6 keys with no mapping (variable name = key), both ways. */
  unmappedComponent?: string;
  /** Extra or overriding 1.6 key → component/variable mappings. */
  configKeys?: Record<string, KeyTarget>;
  /** 1.6 connectorId → EVSE/connector, per station glob (default: connector N ↔ EVSE N connector 1). */
  connectors?: { match: string; map: Record<string, EvseRef> }[];
}

/** What a session's translators read. */
export interface ResolvedStationConfig {
  overflow: OverflowPolicy;
  idTokenType: string;
  unmappedComponent: string;
  keys: KeyMap;
  /** 1.6 connectorId → EVSE/connector; empty: the default map. */
  connectors: ReadonlyMap<number, EvseRef>;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['match', 'upstreamProtocol'],
        properties: { match: { type: 'string', minLength: 1 }, upstreamProtocol: { enum: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1', 'none'] } },
      },
    },
    overflow: { enum: ['truncate', 'reject'] },
    idTokenType: { enum: ['Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] },
    unmappedComponent: { type: 'string', minLength: 1, maxLength: 50 },
    configKeys: {
      type: 'object',
      propertyNames: { maxLength: 50 },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['component', 'variable'],
        properties: {
          component: { type: 'string', minLength: 1, maxLength: 50 },
          variable: { type: 'string', minLength: 1, maxLength: 50 },
          instance: { type: 'string', maxLength: 50 },
          readonly: { type: 'boolean' },
        },
      },
    },
    connectors: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['match', 'map'],
        properties: {
          match: { type: 'string', minLength: 1 },
          map: {
            type: 'object',
            propertyNames: { pattern: '^[1-9][0-9]*$' },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['evse', 'connector'],
              properties: { evse: { type: 'integer', minimum: 1 }, connector: { type: 'integer', minimum: 1 } },
            },
          },
        },
      },
    },
  },
} as const;

const validateFile = new Ajv({ allErrors: true }).compile<TranslateConfigFile>(schema);

/** Parse and check a config text; throws an Error naming every problem. */
export function parseTranslateConfig(text: string, source = 'translate config'): TranslateConfigFile {
  const data: unknown = parseYaml(text) ?? {};
  if (!validateFile(data)) {
    const problems = (validateFile.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new Error(`${source}: ${problems.join('; ')}`);
  }
  return data;
}

export async function loadTranslateConfig(file: string): Promise<TranslateConfigFile> {
  return parseTranslateConfig(await readFile(file, 'utf8'), file);
}

export interface TranslateSettings {
  file: TranslateConfigFile;
  /** `--upstream-protocol`: translate every station that does not speak this version. */
  upstreamProtocol?: UpstreamProtocol;
  /** `--translate-overflow` (overrides the file). */
  overflow?: OverflowPolicy;
}

/** Compiled settings: answers "translate this station? to what?" and gives its resolved config. */
export class TranslateRules {
  private readonly stations: { test: (s: string) => boolean; upstream: UpstreamProtocol | 'none' }[];
  private readonly connectorMaps: { test: (s: string) => boolean; map: Map<number, EvseRef> }[];
  private readonly base: Omit<ResolvedStationConfig, 'connectors'>;

  constructor(readonly settings: TranslateSettings) {
    const f = settings.file;
    this.stations = (f.stations ?? []).map((s) => ({ test: picomatch(s.match), upstream: s.upstreamProtocol }));
    this.connectorMaps = (f.connectors ?? []).map((c) => ({
      test: picomatch(c.match),
      map: new Map(Object.entries(c.map).map(([k, v]) => [Number(k), v])),
    }));
    this.base = {
      overflow: settings.overflow ?? f.overflow ?? 'truncate',
      idTokenType: f.idTokenType ?? 'ISO14443',
      unmappedComponent: f.unmappedComponent ?? 'OCPP16Config',
      keys: buildKeyMap(f.configKeys ?? {}),
    };
  }

  /** The protocol the CSMS leg must use for this station, or undefined: no translation wanted. */
  upstreamFor(identity: string): UpstreamProtocol | undefined {
    const hit = this.stations.find((s) => s.test(identity));
    if (hit) return hit.upstream === 'none' ? undefined : hit.upstream;
    return this.settings.upstreamProtocol;
  }

  configFor(identity: string): ResolvedStationConfig {
    const map = this.connectorMaps.find((c) => c.test(identity))?.map ?? new Map<number, EvseRef>();
    return { ...this.base, connectors: map };
  }
}

export const PROTOCOL_OF: Record<OcppVersion, UpstreamProtocol> = { '1.6': 'ocpp1.6', '2.0.1': 'ocpp2.0.1', '2.1': 'ocpp2.1' };
