/** The intercept's part of the control API: the held frames, the filter, and what an operator does to one. */
import { ControlError, typedRoutes, type ControlRequest, type ControlRoutes } from '../core/control-routes.js';
import type { Direction, MessageKind, OcppVersion } from '../core/types.js';
import type { AnswerBody } from './held-edit.js';

/** A held frame as the control API shows it. */
export interface HeldView {
  /** The frame's relay sequence number: how routes name it. */
  id: number;
  sessionId: string;
  identity: string;
  direction: Direction;
  version: OcppVersion | undefined;
  kind: MessageKind | 'MALFORMED';
  action: string | undefined;
  messageId: string;
  /** The text that would be written now. */
  text: string;
  /** ms since the epoch. */
  heldAt: number;
  /** When it is released unchanged (ms since the epoch). */
  releaseAt: number;
  remainingMs: number;
}

export interface InterceptView {
  /** The intercept filter ('' holds nothing). */
  filter: string;
  timeoutMs: number;
  held: HeldView[];
}

export interface ReleaseResult {
  id: number;
  outcome: 'forwarded' | 'forwarded-edited' | 'dropped' | 'answered-result' | 'answered-error';
}

/** The intercept's routes: part of the control API's contract (src/control/contract.ts). */
export interface InterceptRoutes {
  'GET /api/intercept': { response: InterceptView };
  /** 400 when the filter does not parse (the one in force stays). */
  'PUT /api/intercept': { body: { filter: string; timeoutMs?: number }; response: InterceptView };
  /** Forward as held, or as edited (`frame`); 422 when the edit breaks the schema and `force` is not set. */
  'POST /api/intercept/:id/forward': { params: { id: string }; body: { frame?: unknown[] | string; force?: boolean }; response: ReleaseResult };
  'POST /api/intercept/:id/drop': { params: { id: string }; response: ReleaseResult };
  /** Answer a held CALL in its receiver's name (CALLRESULT, or CALLERROR with errorCode); the CALL is not forwarded. */
  'POST /api/intercept/:id/answer': { params: { id: string }; body: AnswerBody & { force?: boolean }; response: ReleaseResult };
}

/** What the routes need of the intercept addon. */
export interface InterceptControl {
  view(): InterceptView;
  setFilter(text: string, timeoutMs?: number): InterceptView;
  forward(id: number, edit?: { frame?: unknown; force?: boolean }): ReleaseResult;
  drop(id: number): ReleaseResult;
  answer(id: number, body: AnswerBody & { force?: boolean }): ReleaseResult;
}

export function registerInterceptRoutes(control: ControlRoutes, intercept: InterceptControl): void {
  const route = typedRoutes<InterceptRoutes>(control);
  route('GET /api/intercept', () => intercept.view());
  route('PUT /api/intercept', (req) => {
    const body = object(req);
    if (typeof body.filter !== 'string') throw new ControlError(400, 'filter must be a string ("" holds nothing)');
    let timeoutMs: number | undefined;
    if (body.timeoutMs !== undefined) {
      timeoutMs = Number(body.timeoutMs);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ControlError(400, 'timeoutMs must be a positive whole number of ms');
    }
    return intercept.setFilter(body.filter, timeoutMs);
  });
  route('POST /api/intercept/:id/forward', (req) => {
    const body = object(req);
    return intercept.forward(idOf(req), { frame: body.frame, force: body.force === true });
  });
  route('POST /api/intercept/:id/drop', (req) => intercept.drop(idOf(req)));
  route('POST /api/intercept/:id/answer', (req) => {
    const body = object(req) as AnswerBody & { force?: unknown };
    return intercept.answer(idOf(req), { ...body, force: body.force === true });
  });
}

function object(req: ControlRequest): Record<string, unknown> {
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ControlError(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

function idOf(req: ControlRequest): number {
  const id = Number(req.params.id);
  if (!Number.isInteger(id)) throw new ControlError(400, `"${req.params.id}" is no held frame id (a whole number)`);
  return id;
}
