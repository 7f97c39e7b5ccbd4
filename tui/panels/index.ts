/**
 * The panel registry: the live view's panels in key order, each defined in one file of this folder (panel-spec.ts
 * says what a panel declares). Adding a panel is one file here plus its line below; the app, the keymap, `?` and
 * the status bar read this list.
 */
import { interceptPanel } from './intercept.js';
import { kpisPanel } from './kpis.js';
import { livePanel } from './live.js';
import type { PanelSpec } from './panel-spec.js';
import { rulesPanel } from './rules.js';
import { summaryPanel } from './summary.js';
import { transactionsPanel } from './transactions.js';

export const PANELS: readonly PanelSpec[] = [livePanel, kpisPanel, rulesPanel, interceptPanel, summaryPanel, transactionsPanel];

/** The panel with this id; an unknown id is the first (the live view). */
export function panelOf(id: string, panels: readonly PanelSpec[] = PANELS): PanelSpec {
  return panels.find((p) => p.id === id) ?? panels[0]!;
}

export type { PanelKey, PanelProps, PanelSpec } from './panel-spec.js';
