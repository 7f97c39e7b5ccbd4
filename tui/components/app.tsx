/**
 * The live view's root: lays the panes out for the terminal's size, draws the open panel (tui/panels/) between
 * the header and the status bar, and turns keys into keymap commands.
 */
import { Box, useApp, useInput, useStdout, type Key } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { runPromptLine } from '../command-line.js';
import type { CommandEnv } from '../command-env.js';
import { runCommand } from '../commands.js';
import { KEYMAP, keyName, keymapOf, resolveKey } from '../keymap.js';
import { computeLayout } from '../layout.js';
import { PANELS, panelOf, type PanelSpec } from '../panels/index.js';
import { useViewStore } from '../use-view-store.js';
import { Header } from './header.js';
import { HelpOverlay } from './help-overlay.js';
import { StatusBar } from './status-bar.js';

/** The Key Ink would have given `ch` alone (enter, tab and backspace can come inside a chunk). */
function charKey(ch: string): Key {
  return { return: ch === '\r' || ch === '\n', tab: ch === '\t', backspace: ch === '\u007f' || ch === '\b' } as Key;
}

export interface AppProps {
  /** Fixed size (tests); by default the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  onQuit?: () => void;
  setRuleEnabled?: CommandEnv['setRuleEnabled'];
  /** Quitting stops the proxy (`start --tui`): ask first while stations are connected. */
  confirmQuit?: boolean;
  intercept?: CommandEnv['intercept'];
  inject?: CommandEnv['inject'];
  history?: CommandEnv['history'];
  edit?: CommandEnv['edit'];
  /** The panels, in key order (tests add one; by default the build's, tui/panels/index.ts). */
  panels?: readonly PanelSpec[];
}

function useTerminalSize(fixed: AppProps['size']): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed?.columns, fixed?.rows]);
  return fixed ?? size;
}

export function App({ size, onQuit, setRuleEnabled, confirmQuit, intercept, inject, history, edit, panels = PANELS }: AppProps) {
  const store = useViewStore();
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(size);
  const stationCount = store.stations.size;
  const layout = useMemo(() => computeLayout(columns, rows, stationCount), [columns, rows, stationCount]);
  const keymap = useMemo(() => (panels === PANELS ? KEYMAP : keymapOf(panels)), [panels]);

  useEffect(() => {
    store.setViewport({ trafficRows: layout.trafficRows, stationRows: layout.stationRows, detailRows: store.detailZoom ? layout.bodyRows : layout.detailRows });
  }, [layout, store.detailZoom]);

  const quitNow = (): void => {
    onQuit?.();
    exit();
  };
  const env: CommandEnv = {
    store,
    quit: () => {
      const open = [...store.stations.values()].filter((r) => r.open).length;
      if (!confirmQuit || open === 0) return quitNow();
      store.quitPending = true;
      store.setFlash(`q again (or y) stops the proxy and disconnects ${open} station${open === 1 ? '' : 's'}; any other key keeps it running`);
    },
    setRuleEnabled,
    intercept,
    inject,
    history,
    edit,
  };

  const onKey = (input: string, key: Key): void => {
    const name = keyName(input, key);
    if (store.quitPending) {
      store.quitPending = false;
      if (name === 'q' || name === 'y') return quitNow();
      store.setFlash('the proxy keeps running');
      return;
    }
    if (store.editingFilter) {
      if (name === 'enter') store.endFilterEdit(true);
      else if (name === 'esc') store.endFilterEdit(false);
      else if (name === 'backspace') store.editFilter(store.filterDraft.slice(0, -1));
      else if (name === 'ctrl-u') store.editFilter('');
      else if (name === 'ctrl-c') quitNow();
      else if (!key.ctrl && !key.meta && input && !/[\u0000-\u001f]/.test(input)) store.editFilter(store.filterDraft + input);
      return;
    }
    if (store.editingCommand) {
      if (name === 'enter' || name === 'esc') {
        store.editingCommand = false;
        if (name === 'enter') runPromptLine(store.commandDraft, env);
      } else if (name === 'backspace') store.commandDraft = store.commandDraft.slice(0, -1);
      else if (name === 'ctrl-u') store.commandDraft = '';
      else if (name === 'ctrl-c') env.quit();
      else if (!key.ctrl && !key.meta && input && !/[\u0000-\u001f]/.test(input)) store.commandDraft += input;
      store.changed(true);
      return;
    }
    if (store.flash) store.flash = '';
    if (name === 'ctrl-c') return quitNow(); // an interrupt is not asked about
    const command = resolveKey(name, store.screen, keymap);
    if (command) runCommand(command, env, panels);
  };

  useInput((input, key) => {
    // Keys typed fast (or pasted) arrive as one chunk: "/station:CP-1" is a command key, then filter text.
    if (input.length > 1 && !key.ctrl && !key.meta && !input.startsWith('\u001b')) {
      for (const ch of input) onKey(ch, charKey(ch));
    } else {
      onKey(input, key);
    }
  });

  const { width } = layout;
  const open = panelOf(store.screen, panels);
  const Panel = open.component;
  const body = store.showHelp ? (
    <HelpOverlay width={width} rows={layout.bodyRows + 1} panels={panels} />
  ) : (
    <Panel width={width} rows={layout.bodyRows} layout={layout} cursor={store.cursor(open.id)} />
  );

  return (
    <Box flexDirection="column" width={width} height={layout.height}>
      <Header width={width} />
      <Box flexDirection="column" flexGrow={1}>
        {body}
      </Box>
      <StatusBar width={width} panels={panels} />
    </Box>
  );
}
