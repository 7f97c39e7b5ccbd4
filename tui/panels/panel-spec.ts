/**
 * What a panel of the live view declares, in one module of this folder: its id, the key that opens it, its help,
 * its own keys and its component. The app, the keymap (so `?` and the status bar) and the cursor keys read the
 * list in index.ts; the view store holds only the open panel's id, so a panel's component may read the store
 * without an import circle.
 */
import type { ComponentType } from 'react';
import type { CommandEnv } from '../command-env.js';
import type { Layout } from '../layout.js';
import type { ViewStore } from '../view-store.js';

/** What the app hands the open panel's component. */
export interface PanelProps {
  width: number;
  /** Rows below the header and above the status bar. */
  rows: number;
  layout: Layout;
  /** The panel's cursor (j/k, pages, g/G move it; see `rows` and `move`). */
  cursor: number;
}

/** One of the panel's own keys: active only while the panel is open, listed under its title in `?`. */
export interface PanelKey {
  keys: readonly string[];
  /** Its name in the keymap (unique across panels). */
  command: string;
  description: string;
  run(env: CommandEnv): void;
}

export interface PanelSpec {
  id: string;
  /** The key that opens it, from anywhere. */
  key: string;
  /** Its section in `?`. */
  title: string;
  /** Its key's line in `?`. */
  description: string;
  /** The word after its key in the wide status bar (`3 rules`); none: not listed there. */
  hint?: string;
  keys?: readonly PanelKey[];
  /** How many rows the cursor walks (it stops at the last); absent: unbounded, the component clamps. */
  rows?(store: ViewStore): number;
  /** Cursor keys when the panel moves something else than its cursor (the live panes, a timeline). */
  move?(store: ViewStore, delta: number): void;
  /** esc: close something of the panel's own first; true when it did (else esc goes back to the live panel). */
  back?(store: ViewStore): boolean;
  component: ComponentType<PanelProps>;
}
