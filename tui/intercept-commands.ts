/**
 * The intercept screen's commands: forward, edit in $EDITOR then forward, force a refused edit, drop, answer.
 * Each goes through the control API (what a script would call), so the view does nothing a script cannot.
 */
import type { AnswerBody } from '../src/intercept/held-edit.js';
import type { InterceptView, ReleaseResult } from '../src/intercept/intercept-routes.js';
import type { EditText } from './external-editor.js';
import type { ViewStore } from './view-store.js';

/** What the view asks of the proxy's intercept (ControlConnection implements it with callControl). */
export interface InterceptClient {
  forward(id: number, frame?: unknown[], force?: boolean): Promise<ReleaseResult>;
  drop(id: number): Promise<ReleaseResult>;
  answer(id: number, body: AnswerBody & { force?: boolean }): Promise<ReleaseResult>;
  setFilter(filter: string): Promise<InterceptView>;
}

export type HeldCommand = 'held-forward' | 'held-edit' | 'held-force' | 'held-drop' | 'held-answer';

const OUTCOME: Record<ReleaseResult['outcome'], string> = {
  forwarded: 'forwarded unchanged',
  'forwarded-edited': 'forwarded as edited',
  dropped: 'dropped',
  'answered-result': 'answered with a CALLRESULT',
  'answered-error': 'answered with a CALLERROR',
};

/** The held frame under the intercept panel's cursor. */
export function heldAt(store: ViewStore, cursor: number): InterceptView['held'][number] | undefined {
  const held = store.intercept?.held ?? [];
  return held[Math.min(cursor, held.length - 1)];
}

export function runHeldCommand(name: HeldCommand, store: ViewStore, cursor: number, client: InterceptClient | undefined, edit: EditText): void {
  if (!client || !store.intercept) return store.setFlash('this proxy has no intercept (GET /api/intercept answered 404)');
  const held = heldAt(store, cursor);
  if (!held) return store.setFlash('no frame held');
  const done = (p: Promise<ReleaseResult>, refused?: Omit<NonNullable<ViewStore['refusedEdit']>, 'id'>): void => {
    p.then(
      (r) => {
        store.refusedEdit = undefined;
        store.setFlash(`held ${r.id}: ${OUTCOME[r.outcome]}`);
      },
      (err: unknown) => {
        const message = (err as Error).message.replace(/^control API \S+ \S+: /, '');
        // 422: the schema refused it; keep it so `!` can send it anyway.
        if (refused && /breaks the schema/.test(message)) store.refusedEdit = { id: held.id, ...refused };
        store.setFlash(`held ${held.id}: ${message}${refused && store.refusedEdit ? '  (! sends it anyway)' : ''}`);
      },
    );
  };
  switch (name) {
    case 'held-forward':
      return done(client.forward(held.id));
    case 'held-drop':
      return done(client.drop(held.id));
    case 'held-edit': {
      const frame = editJson(edit, pretty(held.text), `held-${held.id}.json`, store);
      if (frame) done(client.forward(held.id, frame), { frame, kind: 'forward' });
      return;
    }
    case 'held-answer': {
      if (held.kind !== 'CALL') return store.setFlash(`held ${held.id} is a ${held.kind}: only a CALL can be answered`);
      const template = `[3, ${JSON.stringify(held.messageId)}, {}]\n`;
      const frame = editJson(edit, template, `answer-${held.id}.json`, store);
      if (frame) done(client.answer(held.id, answerBody(frame)), { frame, kind: 'answer' });
      return;
    }
    case 'held-force': {
      const r = store.refusedEdit;
      if (!r || r.id !== held.id) return store.setFlash('no refused edit of this frame to force');
      return done(r.kind === 'forward' ? client.forward(held.id, r.frame, true) : client.answer(held.id, { ...answerBody(r.frame), force: true }));
    }
  }
}

const pretty = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  } catch {
    return text;
  }
};

function editJson(edit: EditText, text: string, fileName: string, store: ViewStore): unknown[] | undefined {
  const result = edit(text, fileName);
  store.changed(true);
  if (!result.ok) {
    store.setFlash(result.error);
    return undefined;
  }
  try {
    const value = JSON.parse(result.text) as unknown;
    if (Array.isArray(value)) return value;
    store.setFlash('the edit is not a JSON array (an OCPP-J frame): nothing sent');
  } catch (err) {
    store.setFlash(`the edit is not JSON (${(err as Error).message}): nothing sent`);
  }
  return undefined;
}

/** [3, id, payload] → a CALLRESULT; [4, id, code, description, details] → a CALLERROR. */
function answerBody(frame: unknown[]): AnswerBody {
  if (frame[0] === 4) return { errorCode: String(frame[2] ?? ''), errorDescription: String(frame[3] ?? ''), errorDetails: (frame[4] ?? {}) as Record<string, unknown> };
  return { payload: frame[2] };
}
