/**
 * The typed client of the control API: `callControl(target, 'GET /api/rules')` answers a `RulesView`, checked
 * at compile time against the contract. Errors carry the HTTP status and the server's own message.
 *
 * @example
 *   const rules = await callControl(target, 'GET /api/rules');
 *   await callControl(target, 'POST /api/rules/:id/disable', { params: { id: rules.rules[0]!.id } });
 */
import type { ControlContract, ControlRoute, ResponseOf } from './contract.js';

export interface ControlTarget {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  token: string;
}

type Part<K extends ControlRoute, P extends string> = P extends keyof ControlContract[K] ? { [Q in P]: ControlContract[K][P] } : { [Q in P]?: never };

/** What a call sends: path params, query and body, each required exactly when the route declares it. */
export type CallArgs<K extends ControlRoute> = Part<K, 'params'> & Partial<Part<K, 'query'>> & Part<K, 'body'>;

type ArgsParam<K extends ControlRoute> = [keyof ControlContract[K] & ('params' | 'body')] extends [never] ? [args?: CallArgs<K>] : [args: CallArgs<K>];

export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The path of a route with its `:params` filled in, and the query appended. */
export function routePath(route: string, params: Record<string, string> = {}, query: Record<string, unknown> = {}): string {
  const path = route.slice(route.indexOf(' ') + 1).replace(/:(\w+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`${route}: missing path parameter "${name}"`);
    return encodeURIComponent(v);
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function callControl<K extends ControlRoute>(target: ControlTarget, route: K, ...[args]: ArgsParam<K>): Promise<ResponseOf<K>> {
  const a = (args ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
  const method = route.slice(0, route.indexOf(' '));
  const path = routePath(route, a.params, a.query);
  const res = await fetch(new URL(path, target.url), {
    method,
    headers: { authorization: `Bearer ${target.token}`, ...(a.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: a.body === undefined ? undefined : JSON.stringify(a.body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ControlApiError(res.status, `control API ${method} ${path}: answer is not JSON (HTTP ${res.status})`);
  }
  if (!res.ok) {
    const message = (parsed as { error?: string } | undefined)?.error ?? `${res.status} ${res.statusText}`;
    throw new ControlApiError(res.status, `control API ${method} ${path}: ${message}`);
  }
  return parsed as ResponseOf<K>;
}
