/**
 * The control API's route table. Addons register routes at start; the control server (an addon itself)
 * dispatches to them. Keeping the table in the core lets any feature expose its data without knowing the server.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ControlRequest {
  method: HttpMethod;
  /** Path parameters from `:name` segments. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when none). */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** Throw this from a handler to answer with a status other than 500. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type ControlHandler = (req: ControlRequest) => unknown | Promise<unknown>;

interface Route {
  method: HttpMethod;
  parts: string[];
  handler: ControlHandler;
}

export class ControlRoutes {
  private readonly routes: Route[] = [];

  /** Register `handler` for e.g. ('GET', '/api/sessions/:id'). The handler's return value is sent as JSON. */
  route(method: HttpMethod, path: string, handler: ControlHandler): void {
    this.routes.push({ method, parts: split(path), handler });
  }

  match(method: string, path: string): { handler: ControlHandler; params: Record<string, string> } | undefined {
    const parts = split(path);
    for (const r of this.routes) {
      if (r.method !== method || r.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = r.parts.every((p, i) => {
        const actual = parts[i]!;
        if (p.startsWith(':')) {
          params[p.slice(1)] = decodeURIComponent(actual);
          return true;
        }
        return p === actual;
      });
      if (ok) return { handler: r.handler, params };
    }
    return undefined;
  }

  list(): Array<{ method: HttpMethod; path: string }> {
    return this.routes.map((r) => ({ method: r.method, path: '/' + r.parts.join('/') }));
  }
}

const split = (path: string): string[] => path.split('/').filter(Boolean);
