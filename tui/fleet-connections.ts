/**
 * The live view over several proxies: one ControlConnection per proxy into one view store. What acts on a session
 * (an injection) goes to the proxy that holds it; what acts on the proxy's own features (rules) goes to the first,
 * the one whose rules, KPI engine, profiles and store the view shows.
 */
import { ControlConnection, type ControlTarget } from './control-connection.js';
import type { InjectResult } from '../src/control/contract.js';
import type { Direction } from '../src/core/types.js';
import type { ViewStore } from './view-store.js';

export class FleetConnections {
  private readonly byName = new Map<string, ControlConnection>();
  private readonly all: ControlConnection[];

  /** `targets[0]` is the primary; with one target the view shows no proxy names. */
  constructor(
    targets: ControlTarget[],
    private readonly store: ViewStore,
    opts: { pollMs?: number } = {},
  ) {
    if (targets.length === 0) throw new Error('no proxy to connect to');
    const fleet = targets.length > 1;
    this.all = targets.map((t, i) => {
      const name = fleet ? (t.name ?? t.url) : undefined;
      const conn = new ControlConnection({ url: t.url, token: t.token, name }, store, { pollMs: opts.pollMs, primary: i === 0 });
      if (name !== undefined) {
        if (this.byName.has(name)) throw new Error(`two proxies are named "${name}": give each its own name`);
        this.byName.set(name, conn);
      }
      return conn;
    });
  }

  start(): void {
    for (const c of this.all) c.start();
  }

  stop(): void {
    for (const c of this.all) c.stop();
  }

  /** The first proxy: the one whose rules, KPI engine, profiles, store and intercept the view shows. */
  get primary(): ControlConnection {
    return this.all[0]!;
  }

  setRuleEnabled(id: string, enabled: boolean): Promise<void> {
    return this.all[0]!.setRuleEnabled(id, enabled);
  }

  /** Inject into a session through the proxy that holds it (the view knows each session's proxy). */
  inject(sessionId: string, direction: Direction, frame: unknown[]): Promise<InjectResult> {
    const row = this.store.stations.get(sessionId);
    if (!row) return Promise.reject(new Error(`session ${sessionId} is not in the view`));
    const conn = row.instance === undefined ? this.all[0]! : this.byName.get(row.instance);
    if (!conn) return Promise.reject(new Error(`session ${sessionId} is on "${row.instance}", which the view is not connected to`));
    return conn.inject(sessionId, direction, frame);
  }
}
