/**
 * Which certified profile applies to which station: by identity glob, or by the vendor, model and firmware the
 * station reports in its BootNotification.
 *
 * Sources, first match wins:
 * 1. a bindings file (`--bindings FILE`, YAML), entries in file order;
 * 2. profiles that carry their own `binding` key (`--profiles DIR`), in file-name order;
 * 3. a single profile without a binding (`--profile FILE` alone) applies to every station.
 *
 * @example bindings.yaml
 * - profile: profiles/hyc400.json      # relative to the bindings file
 *   stations: ["HYC-*"]
 * - profile: profiles/c6.json
 *   match: { vendor: XCHARGE*, model: "C6*", firmware: "V2.1.*" }
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import schema from './profile.schema.json' with { type: 'json' };
import { loadProfile, ProfileError, type LoadedProfile } from './profile-load.js';
import type { ProfileBinding } from './profile-types.js';

/** What a station said about itself in its last BootNotification. */
export interface BootFacts {
  vendor?: string;
  model?: string;
  firmware?: string;
}

export interface BindingRule extends ProfileBinding {
  loaded: LoadedProfile;
  /** Where the rule came from, for the report: 'bindings.yaml#2', 'profile', 'default'. */
  source: string;
}

export interface Resolved {
  loaded: LoadedProfile;
  source: string;
}

export type ProfileResolver = (station: string, boot: BootFacts | undefined) => Resolved | undefined;

/** True when every criterion the binding gives matches (identity globs case-sensitive, boot facts not). */
export function bindingMatches(b: ProfileBinding, station: string, boot: BootFacts | undefined): boolean {
  if (!b.stations && !b.match) return false;
  if (b.stations && !picomatch.isMatch(station, b.stations)) return false;
  for (const field of ['vendor', 'model', 'firmware'] as const) {
    const glob = b.match?.[field];
    if (glob === undefined) continue;
    const actual = boot?.[field];
    if (actual === undefined || !picomatch.isMatch(actual, glob, { nocase: true })) return false;
  }
  return true;
}

export function createResolver(rules: readonly BindingRule[], profiles: readonly LoadedProfile[]): ProfileResolver {
  const all: BindingRule[] = [
    ...rules,
    ...profiles.filter((p) => p.profile.binding).map((p) => ({ ...p.profile.binding, loaded: p, source: 'profile binding' })),
  ];
  const fallback = profiles.length === 1 && !profiles[0]!.profile.binding && rules.length === 0 ? profiles[0] : undefined;
  return (station, boot) => {
    const rule = all.find((r) => bindingMatches(r, station, boot));
    if (rule) return { loaded: rule.loaded, source: rule.source };
    return fallback ? { loaded: fallback, source: 'only profile' } : undefined;
  };
}

const entrySchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['profile'],
    additionalProperties: false,
    properties: { profile: { type: 'string', minLength: 1 }, ...schema.definitions.binding.properties },
    anyOf: [{ required: ['stations'] }, { required: ['match'] }],
  },
};
const validateEntries = new Ajv({ allErrors: true, strict: false }).compile<Array<ProfileBinding & { profile: string }>>(entrySchema);

/** Reads a bindings file: a YAML list, or `{bindings: [...]}`. Profile paths are relative to the file. */
export async function loadBindings(file: string): Promise<BindingRule[]> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(file, [`cannot read: ${(err as Error).message}`], 'not a valid bindings file');
  }
  const entries = doc && typeof doc === 'object' && !Array.isArray(doc) && 'bindings' in doc ? (doc as { bindings: unknown }).bindings : doc;
  if (!validateEntries(entries)) {
    // The anyOf's branches each add a "must have required property" of their own: the anyOf line says it once.
    const problems = (validateEntries.errors ?? []).filter((e) => !e.schemaPath.includes('/anyOf/')).map((e) =>
      e.keyword === 'anyOf' ? `${e.instancePath}: needs "stations" or "match"` : `${e.instancePath || '(top level)'}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` ("${String((e.params as { additionalProperty: string }).additionalProperty)}")` : ''}`,
    );
    throw new ProfileError(file, problems, 'not a valid bindings file');
  }
  const base = dirname(resolve(file));
  const cache = new Map<string, Promise<LoadedProfile>>();
  return Promise.all(
    entries.map(async (e, i) => {
      const path = resolve(base, e.profile);
      if (!cache.has(path)) cache.set(path, loadProfile(path));
      const rule: BindingRule = { loaded: await cache.get(path)!, source: `${file}#${i + 1}` };
      if (e.stations) rule.stations = e.stations;
      if (e.match) rule.match = e.match;
      return rule;
    }),
  );
}

/** Boot facts from a BootNotification request payload of either version. */
export function bootFactsOf(payload: unknown): BootFacts | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  const cs = (p.chargingStation ?? undefined) as Record<string, unknown> | undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const facts: BootFacts = cs
    ? { vendor: str(cs.vendorName), model: str(cs.model), firmware: str(cs.firmwareVersion) }
    : { vendor: str(p.chargePointVendor), model: str(p.chargePointModel), firmware: str(p.firmwareVersion) };
  return facts.vendor || facts.model ? facts : undefined;
}
