/** 5: counts per action and per error code of the filtered frames; the cursor is the scroll (the screen clamps it). */
import { SummaryScreen } from '../components/summary-screen.js';
import type { PanelSpec } from './panel-spec.js';

export const summaryPanel: PanelSpec = {
  id: 'summary',
  key: '5',
  title: 'Summary',
  description: 'summary: counts per action and per error code of the filtered frames',
  component: SummaryScreen,
};
