/**
 * Replays recorded into the store: one row per exchange in `replay_exchanges`, a table of this feature's own
 * (created when missing, outside the recording's schema versions, as nothing else reads it).
 */
import type { StoreBackend } from '../store/backend.js';
import { str } from '../store/sql.js';
import type { ReplayReport } from './replay-report.js';

const DDL = `CREATE TABLE IF NOT EXISTS replay_exchanges (
  at UInt64, replay_id String, session_id String, identity String, played_as String, peer String,
  n UInt32, action String, message_id String, recorded_kind String, live_kind String,
  recorded_ms Float64, live_ms Float64, differs UInt8, differences String
) ENGINE = MergeTree() ORDER BY (at, replay_id)`;

export async function recordReplay(backend: StoreBackend, r: ReplayReport): Promise<void> {
  await backend.exec(DDL);
  const at = Date.parse(r.startedAt) * 1000;
  const lines = r.exchanges.map((e) =>
    JSON.stringify({
      at,
      replay_id: r.replayId,
      session_id: r.session,
      identity: r.station,
      played_as: r.as,
      peer: r.peer,
      n: e.n,
      action: e.action,
      message_id: e.messageId,
      recorded_kind: e.recordedKind,
      live_kind: e.liveKind,
      recorded_ms: e.recordedMs ?? -1,
      live_ms: e.liveMs ?? -1,
      differs: e.differences.length ? 1 : 0,
      differences: JSON.stringify(e.differences),
    }),
  );
  if (lines.length) await backend.insert('replay_exchanges', Buffer.from(lines.join('\n') + '\n'), 'JSONEachRow');
}

export interface RecordedReplayRow {
  replay_id: string;
  n: number;
  action: string;
  differs: number;
  differences: string;
}

export async function readReplays(backend: StoreBackend, sessionId: string): Promise<RecordedReplayRow[]> {
  await backend.exec(DDL);
  return backend.query<RecordedReplayRow>(
    `SELECT replay_id, n, action, differs, differences FROM replay_exchanges WHERE session_id = ${str(sessionId)} ORDER BY at, n`,
  );
}
