/**
 * The import graph is a tree from src/cli.ts down (docs/architecture.md): no circle anywhere in src/ and tui/, the
 * core imports no feature, no feature imports the CLI's own commands/, and a live-view panel is one module that
 * only the panel registry imports. Read with madge, type imports included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import madge from 'madge';

const ROOT = new URL('../..', import.meta.url).pathname;

const graph = await madge(['src', 'tui'], {
  baseDir: ROOT,
  fileExtensions: ['ts', 'tsx'],
  tsConfig: `${ROOT}tsconfig.json`,
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});
const edges = Object.entries(graph.obj());

test('no import circle in src/ and tui/', () => {
  assert.ok(edges.length > 150, `madge read the tree (${edges.length} files)`);
  assert.deepEqual(graph.circular(), []);
});

test('the core imports no feature: nothing outside src/core/ but the logger', () => {
  const ok = (d: string): boolean => d.startsWith('src/core/') || d === 'src/log.ts';
  const wrong = edges.flatMap(([file, deps]) => (file.startsWith('src/core/') ? deps.filter((d) => !ok(d)).map((d) => `${file} → ${d}`) : []));
  assert.deepEqual(wrong, []);
});

test('no feature imports the CLI\'s commands/', () => {
  const allowed = new Set(['src/cli.ts', 'src/command-context.ts']);
  const wrong = edges.flatMap(([file, deps]) =>
    allowed.has(file) || file.startsWith('src/commands/') ? [] : deps.filter((d) => d.startsWith('src/commands/')).map((d) => `${file} → ${d}`),
  );
  assert.deepEqual(wrong, []);
});

test('a panel is one module: only the registry imports it, and the view store reaches no panel or component', () => {
  const shared = new Set(['tui/panels/index.ts', 'tui/panels/panel-spec.ts']);
  const isPanel = (d: string): boolean => d.startsWith('tui/panels/') && !shared.has(d);
  assert.ok(edges.filter(([file]) => isPanel(file)).length >= 6, 'madge read the panels');
  const wrong = edges.flatMap(([file, deps]) => (file === 'tui/panels/index.ts' ? [] : deps.filter(isPanel).map((d) => `${file} → ${d}`)));
  assert.deepEqual(wrong, []);
  const reached = new Set<string>();
  const walk = (file: string): void => {
    for (const d of graph.obj()[file] ?? []) if (!reached.has(d)) reached.add(d), walk(d);
  };
  walk('tui/view-store.ts');
  assert.deepEqual([...reached].filter((d) => d.startsWith('tui/panels/') || d.startsWith('tui/components/')), []);
});
