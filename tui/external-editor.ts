/**
 * Edit text in the user's editor ($VISUAL, then $EDITOR, then vi), as git and mitmproxy do: the view waits while
 * the editor owns the terminal (spawnSync: Ink reads no key meanwhile), then repaints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type EditText = (text: string, fileName: string) => { ok: true; text: string } | { ok: false; error: string };

export const editInEditor: EditText = (text, fileName) => {
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-mitm-edit-'));
  const file = join(dir, fileName);
  try {
    writeFileSync(file, text, { mode: 0o600 });
    // Through sh, so EDITOR may carry arguments ("code --wait"); the file is passed as $1, never spliced in.
    const run = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (run.error) return { ok: false, error: `editor ${editor}: ${run.error.message}` };
    if (run.status !== 0) return { ok: false, error: `editor ${editor} exited with ${run.status ?? run.signal}: nothing sent` };
    return { ok: true, text: readFileSync(file, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    // The editor drew over the view: clear, so the next frame is painted whole.
    if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
  }
};
