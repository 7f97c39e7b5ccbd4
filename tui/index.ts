/** The live terminal view: `runTui` for commands, the store and components for tests and embedding. */
import './live-terminal.js'; // first: before Ink decides whether it runs in CI
export { runTui, type RunTuiOptions } from './run-tui.js';
export { ViewStore } from './view-store.js';
export { KEYMAP, resolveKey, helpSections } from './keymap.js';
