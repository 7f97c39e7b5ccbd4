/** 1: the live panes (stations, traffic, the selected frame's detail; enter zooms the detail) and their keys. */
import { DetailPane } from '../components/detail-pane.js';
import { StationsPane } from '../components/stations-pane.js';
import { TrafficPane } from '../components/traffic-pane.js';
import { editInEditor } from '../external-editor.js';
import { resendSelected, targetStation } from '../send-commands.js';
import { useViewStore } from '../use-view-store.js';
import { HOME_SCREEN } from '../view-store.js';
import type { PanelProps, PanelSpec } from './panel-spec.js';

function LivePanes({ width, rows, layout }: PanelProps) {
  const store = useViewStore();
  if (store.detailZoom) return <DetailPane width={width} rows={rows} />;
  return (
    <>
      <StationsPane width={width} rows={layout.stationRows} />
      <TrafficPane width={width} rows={layout.trafficRows} />
      {layout.detailRows > 0 && <DetailPane width={width} rows={layout.detailRows} />}
    </>
  );
}

export const livePanel: PanelSpec = {
  id: HOME_SCREEN,
  key: '1',
  title: 'Live view',
  description: 'live view: stations, traffic, detail',
  hint: 'live',
  move: (store, delta) => store.moveLive(delta),
  component: LivePanes,
  keys: [
    { keys: ['tab'], command: 'focus-next', description: 'next pane', run: ({ store }) => store.cycleFocus(1) },
    { keys: ['shift-tab'], command: 'focus-prev', description: 'previous pane', run: ({ store }) => store.cycleFocus(-1) },
    {
      keys: ['enter'],
      command: 'open',
      description: 'stations: show its traffic; traffic: zoom the detail',
      run: ({ store }) => (store.focus === 'stations' ? store.filterOnStation() : store.toggleZoom()),
    },
    { keys: ['f'], command: 'follow', description: 'follow the newest frame', run: ({ store }) => store.toggleFollow() },
    { keys: ['p'], command: 'pause', description: 'pause the traffic (frames keep arriving)', run: ({ store }) => store.togglePause() },
    { keys: ['o'], command: 'partner', description: "jump to the CALL's answer, or the answer's CALL", run: ({ store }) => store.gotoPartner() },
    {
      keys: ['S'],
      command: 'sort-stations',
      description: 'sort the stations by the next column (identity, version, errors, latency, frames, seen)',
      run: ({ store }) => store.sortStationsBy(),
    },
    {
      keys: ['n'],
      command: 'send',
      description: 'compose a CALL to the selected station or its CSMS (:send ACTION [station|csms])',
      run: ({ store }) => store.startCommandEdit('send '),
    },
    {
      keys: ['r'],
      command: 'resend',
      description: 're-send the selected CALL (edited in $EDITOR first)',
      run: ({ store, inject, edit }) => resendSelected(store, inject, edit ?? editInEditor),
    },
    {
      keys: ['T'],
      command: 'session-timeline',
      description: "the selected station's session as a sequence timeline (station ↔ proxy ↔ CSMS)",
      run: ({ store }) => {
        const station = targetStation(store);
        if (!station) return store.setFlash('select a station (stations pane) or one of its frames');
        store.showSessionTimeline(station.info.id);
      },
    },
    {
      keys: ['H'],
      command: 'history-older',
      description: 'history: load older frames from the store, past the in-memory buffer',
      run: ({ store, history }) => {
        if (!history) return store.setFlash('no store to page back into');
        store.setFlash('loading history…');
        void history.older(store).then((text) => store.setFlash(text));
      },
    },
    { keys: ['c'], command: 'clear', description: 'clear the traffic buffer', run: ({ store }) => store.clearTraffic() },
    {
      keys: ['s'],
      command: 'latency-sparkline',
      description: 'stations: latency sparkline of the last minutes, or the last latency',
      run: ({ store }) => store.toggleLatencySparkline(),
    },
  ],
};
