/**
 * The panel seam: a panel is one module (tui/panels/panel-spec.ts). A panel declared here, in the test, and
 * handed to the app opens by its key, walks its cursor, runs its own key, goes back on esc, and shows in `?` and
 * in the status bar, with nothing else changed.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Box, Text } from 'ink';
import { cleanup } from 'ink-testing-library';
import { helpSections, keymapOf, resolveKey } from '../../tui/keymap.js';
import { PANELS, type PanelProps, type PanelSpec } from '../../tui/panels/index.js';
import { renderApp } from '../support/view-rig.js';

const NOTES = ['first note', 'second note', 'third note'];

function NotesScreen({ width, cursor }: PanelProps) {
  return (
    <Box flexDirection="column" width={width}>
      <Text>Notes panel</Text>
      {NOTES.map((n, i) => (
        <Text key={n}>{`${i === cursor ? '▸' : ' '} ${n}`}</Text>
      ))}
    </Box>
  );
}

const notesPanel: PanelSpec = {
  id: 'notes',
  key: '7',
  title: 'Notes',
  description: 'notes: a panel only this test has',
  hint: 'notes',
  rows: () => NOTES.length,
  component: NotesScreen,
  keys: [{ keys: ['m'], command: 'note-mark', description: 'mark the note under the cursor', run: ({ store }) => store.setFlash(`marked ${NOTES[store.cursor('notes')]}`) }],
};

const panels = [...PANELS, notesPanel];

function setup(size: { columns: number; rows: number }) {
  return renderApp({ size, panels });
}

afterEach(() => cleanup());

describe('a panel declared in one module', () => {
  test('opens by its key, walks its cursor to its last row, runs its own key, and esc goes back to live', async () => {
    const { store, waitFor, press } = setup({ columns: 120, rows: 30 });
    await press('7');
    await waitFor('the panel', (f) => f.includes('Notes panel') && f.includes('▸ first note'));
    await press('j', 'j', 'j', 'j');
    await waitFor('the cursor on the last note, not past it', (f) => f.includes('▸ third note'));
    assert.equal(store.cursor('notes'), 2);
    await press('m');
    await waitFor('its key ran', (f) => f.includes('marked third note'));
    await press('\u001B');
    const live = await waitFor('back on the live panes', (f) => f.includes('Traffic 0'));
    assert.doesNotMatch(live, /Notes panel/);
    await press('m');
    assert.equal(store.flash, '', "its key does nothing outside it");
  });

  test('? lists its key and its own keys under its title; the status bar names it', async () => {
    const { waitFor, press } = setup({ columns: 140, rows: 80 });
    const bar = await waitFor('the status bar', (f) => f.includes('q quit'));
    assert.match(bar, /3 rules 4 held 7 notes {2}q quit/);
    await press('?');
    const help = await waitFor('the help', (f) => f.includes('Keys (esc or ? to close)'));
    assert.match(help, /^ {2}7 +notes: a panel only this test has$/m);
    assert.match(help, /^Notes\n {2}m +mark the note under the cursor$/m);
    const sections = helpSections(panels);
    assert.deepEqual(sections.find((s) => s.title === 'Notes')?.rows, [{ keys: 'm', description: 'mark the note under the cursor' }]);
  });

  test('a narrow status bar counts it among the screens', async () => {
    const { waitFor } = setup({ columns: 80, rows: 24 });
    await waitFor('the short hints', (f) => f.includes('1-7 screens'));
  });

  test('its keys resolve only on it; the build keymap does not have it', () => {
    const keymap = keymapOf(panels);
    assert.equal(resolveKey('7', 'live', keymap), 'screen-notes');
    assert.equal(resolveKey('m', 'notes', keymap), 'note-mark');
    assert.equal(resolveKey('m', 'live', keymap), undefined);
    assert.equal(resolveKey('7', 'live'), undefined);
  });
});

describe('the build panels', () => {
  test('ids, keys and command names are unique; each panel opens by its key', () => {
    const unique = (xs: string[], what: string): void => assert.equal(new Set(xs).size, xs.length, `duplicate ${what}: ${xs.join(' ')}`);
    unique(PANELS.map((p) => p.id), 'id');
    unique(PANELS.map((p) => p.key), 'key');
    unique(PANELS.flatMap((p) => (p.keys ?? []).map((k) => k.command)), 'command');
    for (const p of PANELS) assert.equal(resolveKey(p.key, 'live'), `screen-${p.id}`);
  });
});
