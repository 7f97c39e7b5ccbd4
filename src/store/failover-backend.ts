/**
 * Several ClickHouse nodes of one cluster behind the one StoreBackend interface: requests go to the current node,
 * and when it cannot be reached the next listed node takes over. Reads and DDL are retried on the next node at once;
 * an INSERT is not (through a Distributed table it may have landed on some shards): it fails, the writer replays
 * its rows from the write-ahead log, checked against the store, through the next node.
 */
import { isUnavailable, type RowFormat, type StoreBackend } from './backend.js';

export interface FailoverOptions {
  /** How the store is named in messages, e.g. "ClickHouse cluster ocpp at http://a:8123, http://b:8123". */
  where: string;
  /** The current node changed (its `where`, and the next one's). */
  onSwitch?: (from: string, to: string) => void;
}

export class FailoverBackend implements StoreBackend {
  readonly kind = 'server' as const;
  readonly where: string;
  private current = 0;

  constructor(
    readonly nodes: readonly StoreBackend[],
    private readonly o: FailoverOptions,
  ) {
    if (nodes.length === 0) throw new Error('no ClickHouse node given');
    this.where = o.where;
  }

  /** The node requests go to now. */
  get node(): StoreBackend {
    return this.nodes[this.current]!;
  }

  private moveOn(): void {
    const from = this.node.where;
    this.current = (this.current + 1) % this.nodes.length;
    if (this.nodes.length > 1) this.o.onSwitch?.(from, this.node.where);
  }

  private async anyNode<T>(fn: (b: StoreBackend) => Promise<T>): Promise<T> {
    let last: unknown;
    for (let i = 0; i < this.nodes.length; i++) {
      try {
        return await fn(this.node);
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        last = err;
        this.moveOn();
      }
    }
    throw last;
  }

  version(): Promise<string> {
    return this.anyNode((b) => b.version());
  }

  exec(sql: string): Promise<void> {
    return this.anyNode((b) => b.exec(sql));
  }

  query<T>(sql: string): Promise<T[]> {
    return this.anyNode((b) => b.query<T>(sql));
  }

  async insert(table: string, lines: Buffer, format: RowFormat, columns?: readonly string[]): Promise<void> {
    try {
      await this.node.insert(table, lines, format, columns);
    } catch (err) {
      // Only when this node did not answer: a node that answered "a shard is unreachable" is still the one to use.
      if (isUnavailable(err) && !/Code: \d+/.test(String((err as Error)?.message ?? err))) this.moveOn();
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close()));
  }
}
