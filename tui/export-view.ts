/**
 * `:export FILE`: the frames in view (the filter applied) as JSON lines, one MessageRecord per line, oldest
 * first — what the relay recorded of each (both texts, timing, validation, rule and operator steps). An existing
 * file is never overwritten.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ViewStore } from './view-store.js';

export async function exportFiltered(store: ViewStore, file: string): Promise<{ path: string; frames: number }> {
  const path = resolve(file);
  const lines: string[] = [];
  for (const r of store.filteredRecords()) lines.push(JSON.stringify(r));
  await writeFile(path, lines.length ? lines.join('\n') + '\n' : '', { flag: 'wx', mode: 0o600 });
  return { path, frames: lines.length };
}
