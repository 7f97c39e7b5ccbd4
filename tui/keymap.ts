/**
 * One keymap table: key → named command → description. Input handling resolves keys through it and the `?`
 * help is generated from it, so the two cannot disagree (mitmproxy's defaultkeys, k9s' hints).
 */
import type { Key } from 'ink';
import type { Pane, Screen } from './view-store.js';

export type CommandName =
  | 'quit'
  | 'help'
  | 'filter'
  | 'back'
  | 'follow'
  | 'pause'
  | 'focus-next'
  | 'focus-prev'
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'top'
  | 'bottom'
  | 'open'
  | 'partner'
  | 'clear'
  | 'screen-live'
  | 'screen-kpis'
  | 'screen-rules'
  | 'toggle-rule'
  | 'latency-sparkline'
  | 'screen-intercept'
  | 'screen-summary'
  | 'screen-transactions'
  | 'tx-timeline'
  | 'history-older'
  | 'session-timeline'
  | 'sort-stations'
  | 'send'
  | 'resend'
  | 'command'
  | 'held-forward'
  | 'held-edit'
  | 'held-force'
  | 'held-drop'
  | 'held-answer';

/** Where a binding applies: everywhere, or only on one screen. */
export type KeyContext = 'global' | Screen;

export interface Binding {
  keys: string[];
  command: CommandName;
  description: string;
  context: KeyContext;
}

export const KEYMAP: readonly Binding[] = [
  { keys: ['q', 'ctrl-c'], command: 'quit', description: 'quit', context: 'global' },
  { keys: ['?'], command: 'help', description: 'show or hide this help', context: 'global' },
  { keys: ['/'], command: 'filter', description: 'filter traffic (station:, action:, dir:, kind:, rule:, is:invalid)', context: 'global' },
  { keys: ['esc'], command: 'back', description: 'close help/zoom, back to live, then clear the filter', context: 'global' },
  { keys: ['1'], command: 'screen-live', description: 'live view: stations, traffic, detail', context: 'global' },
  { keys: ['2'], command: 'screen-kpis', description: 'KPIs per station (beside the certified profile)', context: 'global' },
  { keys: ['3'], command: 'screen-rules', description: 'rules with hit counts', context: 'global' },
  { keys: ['4'], command: 'screen-intercept', description: 'intercept: frames held by the intercept filter', context: 'global' },
  { keys: ['5'], command: 'screen-summary', description: 'summary: counts per action and per error code of the filtered frames', context: 'global' },
  { keys: ['6'], command: 'screen-transactions', description: 'transactions: station, connector, id token, energy, duration, state', context: 'global' },
  { keys: [':'], command: 'command', description: 'command prompt (:help lists the commands)', context: 'global' },
  { keys: ['up', 'k'], command: 'up', description: 'move up (scroll in detail)', context: 'global' },
  { keys: ['down', 'j'], command: 'down', description: 'move down (scroll in detail)', context: 'global' },
  { keys: ['pgup', 'ctrl-b'], command: 'page-up', description: 'page up', context: 'global' },
  { keys: ['pgdn', 'ctrl-f'], command: 'page-down', description: 'page down', context: 'global' },
  { keys: ['home', 'g'], command: 'top', description: 'first row', context: 'global' },
  { keys: ['end', 'G'], command: 'bottom', description: 'last row', context: 'global' },
  { keys: ['tab'], command: 'focus-next', description: 'next pane', context: 'live' },
  { keys: ['shift-tab'], command: 'focus-prev', description: 'previous pane', context: 'live' },
  { keys: ['enter'], command: 'open', description: 'stations: show its traffic; traffic: zoom the detail', context: 'live' },
  { keys: ['f'], command: 'follow', description: 'follow the newest frame', context: 'live' },
  { keys: ['p'], command: 'pause', description: 'pause the traffic (frames keep arriving)', context: 'live' },
  { keys: ['o'], command: 'partner', description: "jump to the CALL's answer, or the answer's CALL", context: 'live' },
  { keys: ['S'], command: 'sort-stations', description: 'sort the stations by the next column (identity, version, errors, latency, frames, seen)', context: 'live' },
  { keys: ['n'], command: 'send', description: 'compose a CALL to the selected station or its CSMS (:send ACTION [station|csms])', context: 'live' },
  { keys: ['r'], command: 'resend', description: 're-send the selected CALL (edited in $EDITOR first)', context: 'live' },
  { keys: ['T'], command: 'session-timeline', description: "the selected station's session as a sequence timeline (station ↔ proxy ↔ CSMS)", context: 'live' },
  { keys: ['H'], command: 'history-older', description: 'history: load older frames from the store, past the in-memory buffer', context: 'live' },
  { keys: ['c'], command: 'clear', description: 'clear the traffic buffer', context: 'live' },
  { keys: ['s'], command: 'latency-sparkline', description: 'stations: latency sparkline of the last minutes, or the last latency', context: 'live' },
  { keys: ['space', 'enter', 'e'], command: 'toggle-rule', description: 'enable or disable the rule', context: 'rules' },
  { keys: ['enter'], command: 'tx-timeline', description: "show or hide the transaction's frames as a sequence timeline", context: 'transactions' },
  { keys: ['enter', 'f'], command: 'held-forward', description: 'forward the held frame unchanged', context: 'intercept' },
  { keys: ['e'], command: 'held-edit', description: 'edit the held frame in $EDITOR, then forward it (schema-checked)', context: 'intercept' },
  { keys: ['!'], command: 'held-force', description: 'send the edit the schema refused anyway', context: 'intercept' },
  { keys: ['d', 'x'], command: 'held-drop', description: 'drop the held frame', context: 'intercept' },
  { keys: ['a'], command: 'held-answer', description: 'answer the held CALL (CALLRESULT or CALLERROR, in $EDITOR)', context: 'intercept' },
];

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

/** The command a key runs on `screen`: a screen's own binding wins over a global one. */
export function resolveKey(name: string, screen: Screen): CommandName | undefined {
  return (
    KEYMAP.find((b) => b.context === screen && b.keys.includes(name))?.command ??
    KEYMAP.find((b) => b.context === 'global' && b.keys.includes(name))?.command
  );
}

/** Help lines, grouped by context, straight from the table. */
export function helpSections(): Array<{ title: string; rows: Array<{ keys: string; description: string }> }> {
  const titles: Record<KeyContext, string> = { global: 'Everywhere', live: 'Live view', kpis: 'KPIs', rules: 'Rules', intercept: 'Intercept', summary: 'Summary', transactions: 'Transactions' };
  const order: KeyContext[] = ['global', 'live', 'rules', 'kpis', 'intercept', 'summary', 'transactions'];
  return order
    .map((context) => ({
      title: titles[context],
      rows: KEYMAP.filter((b) => b.context === context).map((b) => ({ keys: b.keys.join(' '), description: b.description })),
    }))
    .filter((s) => s.rows.length > 0);
}

export type { Pane };
