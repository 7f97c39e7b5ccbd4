/** ocpp-mitm's own package.json, found from this file whether it runs from src/ (tsx) or dist/src/ (built). */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'ocpp-mitm') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('ocpp-mitm: cannot find its package.json');
    dir = up;
  }
}

/** The folder holding package.json: shipped assets (schemas, examples) are found from here. */
export const PACKAGE_ROOT = findPackageRoot();
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
