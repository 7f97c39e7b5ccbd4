/**
 * What a command (a key, a panel's key, a `:` prompt line) may use: the view store and the proxy's control
 * clients. Its own module, types only, so a panel can name it without importing the command table that lists
 * the panels.
 */
import type { EditText } from './external-editor.js';
import type { HistoryPager } from './history-pager.js';
import type { InterceptClient } from './intercept-commands.js';
import type { InjectClient } from './send-commands.js';
import type { ViewStore } from './view-store.js';

export interface CommandEnv {
  store: ViewStore;
  quit(): void;
  /** Enable or disable a rule through the control API. */
  setRuleEnabled?(id: string, enabled: boolean): Promise<void>;
  /** The proxy's intercept through the control API. */
  intercept?: InterceptClient;
  /** Frames sent from the view, through the control API. */
  inject?: InjectClient;
  /** Older frames from the store. */
  history?: HistoryPager;
  /** How a frame is edited (default: $EDITOR). */
  edit?: EditText;
}
