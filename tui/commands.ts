/** What each named command does. The keymap says which key runs it; this says what it means. */
import { editInEditor, type EditText } from './external-editor.js';
import { runHeldCommand, type InterceptClient } from './intercept-commands.js';
import type { HistoryPager } from './history-pager.js';
import type { CommandName } from './keymap.js';
import { resendSelected, targetStation, type InjectClient } from './send-commands.js';
import type { ViewStore } from './view-store.js';
import { causeFirst } from './format.js';

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

export function runCommand(name: CommandName, env: CommandEnv): void {
  const { store } = env;
  switch (name) {
    case 'quit':
      return env.quit();
    case 'help':
      return store.toggleHelp();
    case 'filter':
      return store.startFilterEdit();
    case 'back':
      store.back();
      return;
    case 'follow':
      return store.toggleFollow();
    case 'pause':
      return store.togglePause();
    case 'focus-next':
      return store.cycleFocus(1);
    case 'focus-prev':
      return store.cycleFocus(-1);
    case 'up':
      return store.move(-1);
    case 'down':
      return store.move(1);
    case 'page-up':
      return store.page(-1);
    case 'page-down':
      return store.page(1);
    case 'top':
      return store.home();
    case 'bottom':
      return store.end();
    case 'open':
      if (store.focus === 'stations') return store.filterOnStation();
      return store.toggleZoom();
    case 'partner':
      return store.gotoPartner();
    case 'clear':
      return store.clearTraffic();
    case 'latency-sparkline':
      return store.toggleLatencySparkline();
    case 'screen-live':
      return store.setScreen('live');
    case 'screen-kpis':
      return store.setScreen('kpis');
    case 'screen-rules':
      return store.setScreen('rules');
    case 'screen-intercept':
      return store.setScreen('intercept');
    case 'screen-summary':
      return store.setScreen('summary');
    case 'screen-transactions':
      return store.setScreen('transactions');
    case 'history-older':
      if (!env.history) return store.setFlash('no store to page back into');
      store.setFlash('loading history…');
      void env.history.older(store).then((text) => store.setFlash(text));
      return;
    case 'session-timeline': {
      const station = targetStation(store);
      if (!station) return store.setFlash('select a station (stations pane) or one of its frames');
      return store.showSessionTimeline(station.info.id);
    }
    case 'tx-timeline':
      return store.toggleTxTimeline();
    case 'sort-stations':
      return store.sortStationsBy();
    case 'command':
    case 'send':
      store.editingCommand = true;
      store.commandDraft = name === 'send' ? 'send ' : '';
      return store.changed(true);
    case 'resend':
      return resendSelected(store, env.inject, env.edit ?? editInEditor);
    case 'held-forward':
    case 'held-edit':
    case 'held-force':
    case 'held-drop':
    case 'held-answer':
      return runHeldCommand(name, store, env.intercept, env.edit ?? editInEditor);
    case 'toggle-rule': {
      const rule = store.selectedRule();
      if (!rule) return store.setFlash(store.rules ? 'no rule selected' : 'no rules addon on this proxy');
      if (!env.setRuleEnabled) return store.setFlash('rules cannot be changed from here');
      const enable = !rule.enabled;
      env.setRuleEnabled(rule.id, enable).then(
        () => store.setFlash(`rule ${rule.id} ${enable ? 'enabled' : 'disabled'}`),
        (err: unknown) => store.setFlash(`rule ${rule.id}: ${causeFirst((err as Error).message)}`),
      );
      return;
    }
  }
}
