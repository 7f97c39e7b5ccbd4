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

/**
 * One route's types, as its feature declares them: what a client sends (path params, query, JSON body) and what
 * the handler answers. The server still checks what it receives; the types are the contract clients compile to.
 */
export interface RouteSpec {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  response: unknown;
}

/** A feature's routes: 'METHOD /path/:param' → its RouteSpec. */
export type RouteMap<M> = { [K in keyof M]: K extends `${HttpMethod} /${string}` ? (M[K] extends RouteSpec ? M[K] : never) : never };

/** A handler held to its route's declared response. */
export type TypedHandler<S> = (req: ControlRequest) => (S extends RouteSpec ? S['response'] : never) | Promise<S extends RouteSpec ? S['response'] : never>;

/**
 * Register routes typed by a feature's route map (hono-style): `const route = typedRoutes<RulesRoutes>(control);
 * route('GET /api/rules', () => rules.list())` fails to compile when the answer strays from the declared one.
 */
export function typedRoutes<M extends RouteMap<M>>(routes: ControlRoutes): <K extends keyof M & string>(key: K, handler: TypedHandler<M[K]>) => void {
  return (key, handler) => {
    const space = key.indexOf(' ');
    routes.route(key.slice(0, space) as HttpMethod, key.slice(space + 1), handler);
  };
}

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
