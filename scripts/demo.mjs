#!/usr/bin/env node
/**
 * `npm run demo` without a blank screen: say what happens while TypeScript compiles, and skip the compile when
 * dist/ is newer than every source file. Then run the demo with the arguments given (`npm run demo -- --no-tui`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli.js');

/** Newest modification time of the sources a build reads. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|tsx|json)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const sources = Math.max(newestSource(join(root, 'src')), newestSource(join(root, 'tui')), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(cli) || statSync(cli).mtimeMs < sources) {
  process.stdout.write('ocpp-mitm demo: compiling TypeScript first (about 20 s; skipped next time unless the sources change)…\n');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
const demo = spawnSync(process.execPath, [cli, 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(demo.status ?? 1);
