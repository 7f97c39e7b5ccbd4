/**
 * How the terminal's rows are shared between panes. Pure, so it is tested without a terminal.
 * The frame is one row shorter than the terminal: Ink clears the whole screen (flicker) when output fills it.
 */
export interface Layout {
  width: number;
  height: number;
  /** Rows of data (besides the title and column header) each pane gets; 0 = hidden. */
  stationRows: number;
  trafficRows: number;
  detailRows: number;
  /** Rows for a full-screen body (help, zoomed detail, KPI and rule screens). */
  bodyRows: number;
}

export const HEADER_ROWS = 2;
export const STATUS_ROWS = 1;
/** Title bar + column header of a list pane. */
export const PANE_CHROME = 2;

export function computeLayout(columns: number, rows: number, stations: number): Layout {
  const width = Math.max(40, columns);
  const height = Math.max(12, rows - 1);
  const body = height - HEADER_ROWS - STATUS_ROWS;
  // A fifth of the body, but room for five stations whenever the traffic keeps ten rows (80×24 shows all five).
  const share = Math.max(Math.floor(body * 0.22), Math.min(5, body - PANE_CHROME * 2 - 10));
  const stationRows = Math.max(1, Math.min(Math.max(stations, 1), share));
  let rest = body - PANE_CHROME - stationRows;
  // The detail pane stays below the traffic only when both still get a useful height; else enter zooms it.
  let detailRows = 0;
  if (rest >= 24) {
    detailRows = Math.floor(rest * 0.4) - 1;
    rest -= detailRows + 1;
  }
  const trafficRows = Math.max(1, rest - PANE_CHROME);
  return { width, height, stationRows, trafficRows, detailRows, bodyRows: body - 1 };
}
