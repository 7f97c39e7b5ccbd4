/** Files that hold secrets (private keys, password hashes, .p12 passwords): owner-only, and checked when read. */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Write a secret with mode 0600; chmod too, since `mode` only applies when the file is created. */
export function writeSecretFile(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Write a public file (certificates): readable by others. */
export function writePublicFile(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, data, { mode: 0o644 });
}

/** Why a secret file is too open, or undefined when it is fine (always fine on Windows, which has no modes). */
export function secretFileProblem(path: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = statSync(path).mode & 0o777;
  return mode & 0o077 ? `${path} is readable by others (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 it` : undefined;
}
