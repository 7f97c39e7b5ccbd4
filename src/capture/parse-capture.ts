/**
 * Reads a capture file, JSON lines or HAR, all of it, before anything is written: a bad line or entry stops the
 * import with its position, so nothing is half-imported.
 */
import { checkFrame, checkSession, SESSION_DEFAULTS } from './capture-checks.js';
import { CAPTURE_FORMAT, type Capture } from './capture-record.js';
import { CaptureError } from './capture-error.js';
import { parseHar } from './har.js';

function parseJsonLines(text: string): Capture {
  const out: Capture = { sessions: [], frames: [] };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      const cut = i === lines.length - 1 ? ' (the file looks cut short)' : '';
      throw new CaptureError(`${where}: not JSON${cut}: ${(err as Error).message}`);
    }
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new CaptureError(`${where}: not a JSON object`);
    if (rec.format !== undefined) {
      if (rec.format !== CAPTURE_FORMAT) throw new CaptureError(`${where}: unknown format ${JSON.stringify(rec.format)}`);
      return;
    }
    if (rec.type === 'session') out.sessions.push(checkSession(rec, where));
    else if (rec.type === 'frame') out.frames.push(checkFrame(rec, where));
    else throw new CaptureError(`${where}: type must be "session" or "frame", got ${JSON.stringify(rec.type)}`);
  });
  return out;
}

/** Sessions a frame names that the file has no record of get one made from their frames. */
function completeSessions(c: Capture): Capture {
  const known = new Set(c.sessions.map((s) => s.session));
  for (const f of c.frames) {
    if (known.has(f.session)) continue;
    known.add(f.session);
    c.sessions.push({ type: 'session', ...SESSION_DEFAULTS, session: f.session, station: f.station, openedAt: f.receivedAt, closedAt: null });
  }
  return c;
}

/** JSON lines or HAR, told apart by content. */
export function parseCapture(text: string): Capture {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*\{\s*"log"\s*:/.test(body)) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      throw new CaptureError(`HAR file is not valid JSON (cut short?): ${(err as Error).message}`);
    }
    return completeSessions(parseHar(doc));
  }
  return completeSessions(parseJsonLines(body));
}
