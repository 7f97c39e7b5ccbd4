/**
 * Reading profile files: an imported profile or one a user wrote or edited by hand, checked against
 * profile.schema.json so a typo ("declaredMax" for "declaredMaxS") fails with the file and the path to fix.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import schema from './profile.schema.json' with { type: 'json' };
import type { CertifiedProfile } from './profile-types.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv, ['date']);
const validate = ajv.compile<CertifiedProfile>(schema);

export class ProfileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
    /** What the file failed to be, for the message: a bindings file or a profile folder fail with the same class. */
    what = 'not a valid profile',
  ) {
    super(`${file}: ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProfileError';
  }
}

/** A profile with the file it came from. */
export interface LoadedProfile {
  file: string;
  profile: CertifiedProfile;
}

/** Problems of a profile value in words, empty when it is valid. */
export function profileProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if').map(describe);
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '(top level)';
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${at}: unknown key "${String(p.additionalProperty)}"`;
  if (e.keyword === 'required') return `${at}: missing "${String(p.missingProperty)}"`;
  if (e.keyword === 'enum') return `${at}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${at}: ${e.message ?? e.keyword}`;
}

export function parseProfile(text: string, file: string): CertifiedProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProfileError(file, [`not JSON: ${(err as Error).message}`]);
  }
  const problems = profileProblems(value);
  if (problems.length > 0) throw new ProfileError(file, problems);
  return value as CertifiedProfile;
}

export async function loadProfile(file: string): Promise<LoadedProfile> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ProfileError(file, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return { file: path, profile: parseProfile(text, file) };
}

/** Every *.json in a folder (not its sub-folders), in name order; one bad file fails the whole load. */
export async function loadProfileDir(dir: string): Promise<LoadedProfile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    throw new ProfileError(dir, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], 'not a profile folder');
  }
  const names = entries.filter((n) => n.toLowerCase().endsWith('.json')).sort();
  return Promise.all(names.map((n) => loadProfile(join(dir, n))));
}
