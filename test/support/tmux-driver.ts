/**
 * Drives a whole program in tmux, as a person at a terminal: keys one at a time, text typed, the screen read until
 * it shows what a test waits for. Tests that need it skip, saying so, where tmux is not installed.
 */
import { execFileSync } from 'node:child_process';

export const hasTmux = ((): boolean => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();

export const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

export function tmuxDriver(session: string) {
  const screen = (): string => tmux('capture-pane', '-p', '-t', session);
  return {
    screen,
    /** Named keys, one at a time, with a pause: two escapes in one read would be one meta-escape. */
    async keys(...k: string[]): Promise<void> {
      for (const key of k) {
        tmux('send-keys', '-t', session, key);
        await new Promise((r) => setTimeout(r, 120));
      }
    },
    /** Literal text, as typed. */
    type(text: string): void {
      tmux('send-keys', '-t', session, '-l', text);
    },
    /** The screen once it shows `what`; a session that went away reads as such. */
    async waitScreen(what: string, ok: (s: string) => boolean, timeoutMs = 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      let s = '';
      for (;;) {
        try {
          s = screen();
        } catch {
          s = '(tmux session gone)';
        }
        if (ok(s)) return s;
        if (Date.now() > deadline) throw new Error(`the screen never showed ${what}:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** End the session, if it is still there. */
    kill(): void {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // gone already
      }
    },
  };
}
