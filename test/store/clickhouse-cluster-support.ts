/**
 * Test support: a ClickHouse cluster of Debian clickhouse-server processes on loopback ports, configs written here.
 * Every node defines the cluster `ocpp` (shards × replicas, all on 127.0.0.1) and its own {shard}/{replica} macros;
 * with replicas, a ZooKeeper the test started is named too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestClickhouse } from './clickhouse-support.js';

export interface ClusterLayout {
  shards: number;
  replicas: number;
  /** host:port of a ZooKeeper (needed when replicas > 1). */
  zookeeper?: { host: string; port: number };
}

export class TestCluster {
  private constructor(
    /** nodes[shard][replica] */
    readonly nodes: TestClickhouse[][],
  ) {}

  static async launch(layout: ClusterLayout): Promise<TestCluster | undefined> {
    const nodes: TestClickhouse[][] = [];
    for (let s = 0; s < layout.shards; s++) {
      const row: TestClickhouse[] = [];
      for (let r = 0; r < layout.replicas; r++) {
        const n = await TestClickhouse.allocate();
        if (!n) return undefined;
        row.push(n);
      }
      nodes.push(row);
    }
    const shardsXml = nodes
      .map(
        (row) =>
          `      <shard>\n        <internal_replication>${layout.replicas > 1}</internal_replication>\n` +
          row.map((n) => `        <replica><host>127.0.0.1</host><port>${n.tcpPort}</port></replica>\n`).join('') +
          '      </shard>\n',
      )
      .join('');
    nodes.forEach((row, s) =>
      row.forEach((n, r) => {
        const dir = join(n.dir, 'etc', 'config.d');
        mkdirSync(dir, { recursive: true });
        const zk = layout.zookeeper
          ? `  <zookeeper><node><host>${layout.zookeeper.host}</host><port>${layout.zookeeper.port}</port></node><session_timeout_ms>6000</session_timeout_ms></zookeeper>\n`
          : '';
        writeFileSync(
          join(dir, 'cluster.xml'),
          `<?xml version="1.0"?>\n<yandex>\n  <remote_servers>\n    <ocpp>\n${shardsXml}    </ocpp>\n  </remote_servers>\n` +
            `  <macros><shard>${s + 1}</shard><replica>r${r + 1}</replica></macros>\n${zk}</yandex>\n`,
        );
      }),
    );
    const cluster = new TestCluster(nodes);
    await Promise.all(cluster.all().map((n) => n.start()));
    return cluster;
  }

  all(): TestClickhouse[] {
    return this.nodes.flat();
  }

  /** `--clickhouse` for the proxy: every node, this database. */
  urls(database: string, first = 0): string {
    const all = this.all();
    return [...all.slice(first), ...all.slice(0, first)].map((n) => `${n.url}/${database}`).join(',');
  }

  async destroy(): Promise<void> {
    await Promise.all(this.all().map((n) => n.destroy()));
  }
}
