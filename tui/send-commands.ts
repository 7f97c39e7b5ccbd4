/**
 * Send from the view: compose a CALL to a station or its CSMS from a template of that session's version (filled
 * with its live values), or re-send the selected frame; either is edited in $EDITOR first, then injected through
 * the control API (POST /api/sessions/:id/inject), which waits for the answer. The CALL and its answer show up
 * in the traffic, correlated, made by the operator.
 */
import { randomUUID } from 'node:crypto';
import type { InjectResult } from '../src/control/contract.js';
import type { Direction } from '../src/core/types.js';
import { findTemplates } from './call-templates.js';
import type { EditText } from './external-editor.js';
import { liveValues } from './live-values.js';
import type { StationRow, ViewStore } from './view-store.js';

/** What sending needs of the proxy (ControlConnection implements it with callControl). */
export interface InjectClient {
  inject(sessionId: string, direction: Direction, frame: unknown[]): Promise<InjectResult>;
}

/** The station a composed CALL is for: the one under the cursor, else the selected frame's, else the only one open. */
export function targetStation(store: ViewStore): StationRow | undefined {
  const list = store.stationList();
  if (store.focus === 'stations') return list[Math.min(store.stationCursor, list.length - 1)];
  const selected = store.selected;
  if (selected) return store.stations.get(selected.sessionId);
  const open = list.filter((r) => r.open);
  return open.length === 1 ? open[0] : undefined;
}

/** `:send ACTION [station|csms]`. */
export function composeCall(arg: string, store: ViewStore, client: InjectClient | undefined, edit: EditText): void {
  if (!client) return store.setFlash('sending needs the control API');
  const [prefix = '', side] = arg.split(/\s+/);
  const station = targetStation(store);
  if (!station?.open) return store.setFlash('select an open station first (stations pane, or a frame of it)');
  const direction: Direction | undefined = side === undefined ? undefined : /^s/i.test(side) ? 'to-station' : /^c/i.test(side) ? 'to-csms' : undefined;
  if (side !== undefined && !direction) return store.setFlash('usage: :send ACTION [station|csms]');
  const versionFor = (d: Direction) => (d === 'to-station' ? station.info.stationVersion : station.info.csmsVersion);
  const candidates = (['to-station', 'to-csms'] as const)
    .filter((d) => !direction || d === direction)
    .flatMap((d) => {
      const version = versionFor(d);
      return version ? findTemplates(version, prefix, d) : [];
    });
  const names = [...new Set(candidates.map((t) => `${t.action}${t.direction === 'to-csms' ? ' csms' : ''}`))];
  if (candidates.length !== 1) {
    return store.setFlash(candidates.length === 0 ? `no template for "${prefix}" on ${station.info.identity}` : `which one? ${names.join(', ')}`);
  }
  const t = candidates[0]!;
  const frame = [2, randomUUID(), t.action, t.payload(liveValues(store.records, station.info.id))];
  sendEdited(frame, t.direction, station, store, client, edit);
}

/** `r`: the selected CALL again (a new message id), edited first, the way it went. */
export function resendSelected(store: ViewStore, client: InjectClient | undefined, edit: EditText): void {
  if (!client) return store.setFlash('sending needs the control API');
  const r = store.selected;
  if (!r || (r.kind !== 'CALL' && r.kind !== 'SEND')) return store.setFlash('select a CALL to re-send');
  const station = store.stations.get(r.sessionId);
  if (!station?.open) return store.setFlash(`${r.identity}'s session is closed`);
  let frame: unknown[];
  try {
    frame = JSON.parse(r.text) as unknown[];
  } catch {
    return store.setFlash('the selected frame is not JSON');
  }
  frame[1] = randomUUID();
  sendEdited(frame, r.direction, station, store, client, edit);
}

function sendEdited(frame: unknown[], direction: Direction, station: StationRow, store: ViewStore, client: InjectClient, edit: EditText): void {
  const edited = edit(JSON.stringify(frame, null, 2) + '\n', `send-${frame[2] as string}.json`);
  store.changed(true);
  if (!edited.ok) return store.setFlash(edited.error);
  let out: unknown;
  try {
    out = JSON.parse(edited.text);
  } catch (err) {
    return store.setFlash(`the edit is not JSON (${(err as Error).message}): nothing sent`);
  }
  if (!Array.isArray(out)) return store.setFlash('the edit is not a JSON array (an OCPP-J frame): nothing sent');
  const to = direction === 'to-station' ? station.info.identity : 'the CSMS';
  store.setFlash(`sent ${String(out[2])} to ${to}, waiting for the answer…`);
  client.inject(station.info.id, direction, out).then(
    (r) => store.setFlash(`${String(out[2])} → ${to}: ${r.answer ? JSON.stringify(r.answer) : 'sent'}`),
    (err: unknown) => store.setFlash(`${String(out[2])} → ${to}: ${(err as Error).message.replace(/^control API \S+ \S+: /, '')}`),
  );
}
