/**
 * One keymap table: key → named command → description. Input handling resolves keys through it and the `?`
 * help is generated from it, so the two cannot disagree (mitmproxy's defaultkeys, k9s' hints). The global keys
 * are here; each panel (tui/panels/) brings the key that opens it and its own keys.
 */
import type { Key } from 'ink';
import { PANELS, type PanelSpec } from './panels/index.js';
import type { Pane, Screen } from './view-store.js';

/** What commands.ts runs wherever the view is. */
export type GlobalCommand = 'quit' | 'help' | 'filter' | 'back' | 'command' | 'up' | 'down' | 'page-up' | 'page-down' | 'top' | 'bottom';

/** A global command, `screen-ID` (open panel ID), or a command a panel names for one of its keys. */
export type CommandName = GlobalCommand | `screen-${string}` | (string & {});

/** Where a binding applies: everywhere, or only on one panel (its id). */
export type KeyContext = 'global' | Screen;

export interface Binding {
  keys: readonly string[];
  command: CommandName;
  description: string;
  context: KeyContext;
}

/** The table for a list of panels: the global keys (each panel's key among them), then each panel's own. */
export function keymapOf(panels: readonly PanelSpec[]): Binding[] {
  return [
    { keys: ['q', 'ctrl-c'], command: 'quit', description: 'quit', context: 'global' },
    { keys: ['?'], command: 'help', description: 'show or hide this help', context: 'global' },
    { keys: ['/'], command: 'filter', description: 'filter traffic (station:, action:, dir:, kind:, rule:, is:invalid)', context: 'global' },
    { keys: ['esc'], command: 'back', description: 'close help/zoom, back to live, then clear the filter', context: 'global' },
    ...panels.map((p): Binding => ({ keys: [p.key], command: `screen-${p.id}`, description: p.description, context: 'global' })),
    { keys: [':'], command: 'command', description: 'command prompt (:help lists the commands)', context: 'global' },
    { keys: ['up', 'k'], command: 'up', description: 'move up (scroll in detail)', context: 'global' },
    { keys: ['down', 'j'], command: 'down', description: 'move down (scroll in detail)', context: 'global' },
    { keys: ['pgup', 'ctrl-b'], command: 'page-up', description: 'page up', context: 'global' },
    { keys: ['pgdn', 'ctrl-f'], command: 'page-down', description: 'page down', context: 'global' },
    { keys: ['home', 'g'], command: 'top', description: 'first row', context: 'global' },
    { keys: ['end', 'G'], command: 'bottom', description: 'last row', context: 'global' },
    ...panels.flatMap((p) => (p.keys ?? []).map((k): Binding => ({ keys: k.keys, command: k.command, description: k.description, context: p.id }))),
  ];
}

/** The build's keymap: its panels' (tui/panels/index.ts). */
export const KEYMAP: readonly Binding[] = keymapOf(PANELS);

/** A keypress as the keymap names it: 'up', 'enter', 'ctrl-c', 'shift-tab', or the character itself. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pgup';
  if (key.pageDown) return 'pgdn';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

/** The command a key runs on `screen`: a panel's own binding wins over a global one. */
export function resolveKey(name: string, screen: Screen, keymap: readonly Binding[] = KEYMAP): CommandName | undefined {
  return (
    keymap.find((b) => b.context === screen && b.keys.includes(name))?.command ??
    keymap.find((b) => b.context === 'global' && b.keys.includes(name))?.command
  );
}

/** Help lines: the global keys, then each panel's under its title, straight from the table. */
export function helpSections(panels: readonly PanelSpec[] = PANELS): Array<{ title: string; rows: Array<{ keys: string; description: string }> }> {
  const keymap = panels === PANELS ? KEYMAP : keymapOf(panels);
  return [{ context: 'global', title: 'Everywhere' }, ...panels.map((p) => ({ context: p.id, title: p.title }))]
    .map(({ context, title }) => ({
      title,
      rows: keymap.filter((b) => b.context === context).map((b) => ({ keys: b.keys.join(' '), description: b.description })),
    }))
    .filter((s) => s.rows.length > 0);
}

export type { Pane };
