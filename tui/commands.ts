/**
 * What each named command does. The keymap says which key runs it; this says what the global ones mean, and
 * hands `screen-ID` and a panel's own commands to the panels (tui/panels/).
 */
import type { CommandEnv } from './command-env.js';
import type { CommandName, GlobalCommand } from './keymap.js';
import { PANELS, panelOf, type PanelSpec } from './panels/index.js';

const GLOBAL: Record<GlobalCommand, (env: CommandEnv, open: PanelSpec) => void> = {
  quit: (env) => env.quit(),
  help: ({ store }) => store.toggleHelp(),
  filter: ({ store }) => store.startFilterEdit(),
  command: ({ store }) => store.startCommandEdit(),
  back: ({ store }, open) => {
    // The panel closes its own first (a timeline); then the store: help, zoom, back to live, the filter.
    if (!store.showHelp && open.back?.(store)) return;
    store.back();
  },
  up: (env, open) => moveBy(env, open, -1),
  down: (env, open) => moveBy(env, open, 1),
  'page-up': (env, open) => moveBy(env, open, -Math.max(1, env.store.pageRows - 1)),
  'page-down': (env, open) => moveBy(env, open, Math.max(1, env.store.pageRows - 1)),
  top: (env, open) => moveBy(env, open, -Number.MAX_SAFE_INTEGER / 2),
  bottom: (env, open) => moveBy(env, open, Number.MAX_SAFE_INTEGER / 2),
};

/** Cursor keys: scroll the help when it is open, else move the open panel's cursor (or what the panel moves). */
function moveBy({ store }: CommandEnv, open: PanelSpec, delta: number): void {
  if (store.showHelp) return store.scrollHelp(delta);
  if (open.move) return open.move(store, delta);
  const last = open.rows ? Math.max(0, open.rows(store) - 1) : Number.POSITIVE_INFINITY;
  store.setCursor(open.id, Math.max(0, Math.min(last, store.cursor(open.id) + delta)));
}

export function runCommand(name: CommandName, env: CommandEnv, panels: readonly PanelSpec[] = PANELS): void {
  const { store } = env;
  const open = panelOf(store.screen, panels);
  if (Object.hasOwn(GLOBAL, name)) return GLOBAL[name as GlobalCommand](env, open);
  const target = panels.find((p) => name === `screen-${p.id}`);
  if (target) return store.setScreen(target.id);
  // The open panel's command first; command names are unique across panels, so any other's is the same one.
  const key = [open, ...panels].flatMap((p) => p.keys ?? []).find((k) => k.command === name);
  key?.run(env);
}
