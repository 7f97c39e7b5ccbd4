/**
 * The station credentials file: identity → scrypt hash of its Basic-auth password (OCPP A01.FR.08: keep salted
 * hashes, not passwords). YAML, one line per station, written by `ocpp-mitm tls credentials add`.
 *
 *   CP-001: $scrypt$ln=14,r=8,p=1$<salt base64>$<hash base64>
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import { writeSecretFile } from './secret-file.js';

const KEY_LEN = 32;
// Station passwords are random (A01.FR.07), so a moderate cost suffices and keeps reconnect storms cheap.
const DEFAULT_COST = { ln: 14, r: 8, p: 1 };

const scryptAsync = (password: Buffer, salt: Buffer, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));

const costOptions = (ln: number, r: number, p: number): ScryptOptions => ({ N: 2 ** ln, r, p, maxmem: 256 * 2 ** ln * r });

export async function hashPassword(password: Buffer | string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  const hash = await scryptAsync(pw, salt, costOptions(cost.ln, cost.r, cost.p));
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when the password matches; throws on a hash it cannot read (a broken file must not pass silently). */
export async function verifyPassword(password: Buffer, encoded: string): Promise<boolean> {
  const m = encoded.match(/^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/);
  if (!m) throw new Error('not a $scrypt$ hash');
  const expected = Buffer.from(m[5]!, 'base64');
  const actual = await scryptAsync(password, Buffer.from(m[4]!, 'base64'), costOptions(Number(m[1]), Number(m[2]), Number(m[3])));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export type StationCredentials = ReadonlyMap<string, string>;

export function loadStationCredentials(file: string): StationCredentials {
  const doc: unknown = YAML.parse(readFileSync(file, 'utf8')) ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: expected a mapping identity → scrypt hash`);
  const out = new Map<string, string>();
  for (const [identity, hash] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof hash !== 'string' || !hash.startsWith('$scrypt$')) throw new Error(`${file}: entry "${identity}" is not a $scrypt$ hash`);
    out.set(identity, hash);
  }
  return out;
}

/** Add or replace one station's entry, keeping the rest of the file (and its comments). */
export async function addStationCredential(file: string, identity: string, password: Buffer | string): Promise<void> {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const doc = text.trim() ? YAML.parseDocument(text) : new YAML.Document({});
  doc.set(identity, await hashPassword(password));
  writeSecretFile(file, doc.toString());
}
