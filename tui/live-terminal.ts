/**
 * Ink renders only the last frame, at exit, when it believes it runs in CI (the CI variable is set). The live view
 * runs only on a terminal, where a person (or tmux) is watching: there it must render live, CI or not.
 * Imported before Ink is, by tui/index.ts.
 */
if (process.stdout.isTTY && process.env.CI !== undefined) process.env.CI = 'false';
