/** 2: the KPI engine's figures per station, beside the certified profile. */
import { KpiScreen } from '../components/kpi-screen.js';
import type { PanelSpec } from './panel-spec.js';

export const kpisPanel: PanelSpec = {
  id: 'kpis',
  key: '2',
  title: 'KPIs',
  description: 'KPIs per station (beside the certified profile)',
  hint: 'kpis',
  rows: (store) => store.kpiTable().rows.length,
  component: KpiScreen,
};
