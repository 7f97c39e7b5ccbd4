/** 6: every transaction in memory; enter opens the selected one as a sequence timeline, which j/k then scroll. */
import { TransactionsScreen } from '../components/transactions-screen.js';
import type { PanelSpec } from './panel-spec.js';

const ID = 'transactions';

export const transactionsPanel: PanelSpec = {
  id: ID,
  key: '6',
  title: 'Transactions',
  description: 'transactions: station, connector, id token, energy, duration, state',
  move: (store, delta) => (store.txTimeline ? store.scrollTimeline(delta) : store.setCursor(ID, Math.max(0, store.cursor(ID) + delta))),
  back: (store) => store.closeTimeline(),
  component: TransactionsScreen,
  keys: [
    { keys: ['enter'], command: 'tx-timeline', description: "show or hide the transaction's frames as a sequence timeline", run: ({ store }) => store.toggleTxTimeline() },
  ],
};
