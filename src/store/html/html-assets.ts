/**
 * The charting libraries the report inlines: d3 and Observable Plot's UMD bundles from node_modules (~490 kB
 * minified together), so the file opens with no network. Read once per process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of an installed package: up from its resolved entry to the package.json that names it. */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the installed package ${name}`);
    dir = up;
  }
}

let cached: string | undefined;

/** `<script>` bodies for d3 then Plot; `</script` cannot occur in them, checked rather than assumed. */
export function chartLibraries(): string {
  if (cached) return cached;
  const parts = [
    readFileSync(join(packageDir('d3'), 'dist/d3.min.js'), 'utf8'),
    readFileSync(join(packageDir('@observablehq/plot'), 'dist/plot.umd.min.js'), 'utf8'),
  ];
  for (const p of parts) if (/<\/script/i.test(p)) throw new Error('a chart library contains </script: it cannot be inlined as is');
  cached = parts.map((p) => `<script>${p}</script>`).join('\n');
  return cached;
}
