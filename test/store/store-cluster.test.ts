/**
 * The store on a ClickHouse cluster: two shards of Debian clickhouse-server on loopback (configs written by the
 * test), two proxy processes recording into it through Distributed tables. `report` and `frames` (the store reader,
 * over any node) see both proxies' stations; one shard SIGKILLed for 20 s under load and restarted loses and
 * duplicates nothing. Nodes that disagree on the schema version are named. (2 shards × 2 replicas with ZooKeeper:
 * store-cluster-replicated.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClickhouseTarget, parseClickhouseTargets } from '../../src/store/clickhouse-url.js';
import { migrateCluster } from '../../src/store/cluster-schema.js';
import { FailoverBackend } from '../../src/store/failover-backend.js';
import { openServer } from '../../src/store/server-backend.js';
import { TestCluster } from './clickhouse-cluster-support.js';
import { clickhouseBin, freePort, SKIP_MESSAGE, waitFor } from './clickhouse-support.js';
import { recordThroughOutage } from './cluster-run.js';

const haveServer = clickhouseBin() !== undefined;

describe('store on a 2-shard clickhouse-server cluster', { skip: haveServer ? undefined : SKIP_MESSAGE }, () => {
  it('two proxies record into it; a shard SIGKILLed for 20 s under load loses and duplicates nothing', { timeout: 240_000 }, async () => {
    const cluster = (await TestCluster.launch({ shards: 2, replicas: 1 }))!;
    try {
      const shard2 = cluster.nodes[1]![0]!;
      await recordThroughOutage(cluster, 'fleet', async () => {
        process.kill(shard2.pid(), 'SIGKILL');
        await new Promise((r) => setTimeout(r, 20_000));
        await shard2.start();
      });
    } finally {
      await cluster.destroy();
    }
  });

  it('names the nodes when they disagree on the schema version, and changes nothing; fails over to a node that answers', { timeout: 120_000 }, async () => {
    const cluster = (await TestCluster.launch({ shards: 2, replicas: 1 }))!;
    try {
      const urls = cluster.urls('skew');
      const targets = parseClickhouseTargets({ clickhouse: urls });
      const nodes = await Promise.all(targets.map(async (t) => ({ backend: await openServer(t), database: t.database })));
      try {
        await assert.rejects(migrateCluster(nodes, 'nosuch'), /has no cluster named nosuch in its remote_servers/);
        await migrateCluster(nodes, 'ocpp');
        await nodes[1]!.backend.exec('INSERT INTO schema_version VALUES (1, 0, \'pretend an older node\')');
        await nodes[1]!.backend.exec('ALTER TABLE schema_version DELETE WHERE version = 2');
        await waitFor('the older version in place', async () => Number(await cluster.all()[1]!.query('SELECT max(version) FROM skew.schema_version')) === 1);
        await nodes[0]!.backend.exec('DROP TABLE calls');
        await assert.rejects(
          migrateCluster(nodes, 'ocpp'),
          new RegExp(`the store's nodes disagree on the schema version: ClickHouse at ${targets[0]!.url}/skew has version 2, ClickHouse at ${targets[1]!.url}/skew has version 1`),
        );
        assert.equal(await cluster.all()[0]!.query("SELECT count() FROM system.tables WHERE database = 'skew' AND name = 'calls'"), '0', 'nothing was changed');
        // Failover: a node that does not answer hands over to the next listed one; an INSERT is not retried there.
        const switches: string[] = [];
        const dead = await openServer(parseClickhouseTarget({ clickhouse: `http://127.0.0.1:${await freePort()}/skew` }), { requestTimeoutMs: 1000 });
        const failover = new FailoverBackend([dead, nodes[0]!.backend], { where: 'two nodes', onSwitch: (from, to) => switches.push(`${from} -> ${to}`) });
        assert.equal((await failover.query<{ n: number }>('SELECT 1 AS n'))[0]!.n, 1);
        assert.deepEqual(switches, [`${dead.where} -> ${nodes[0]!.backend.where}`]);
        assert.equal(failover.node, nodes[0]!.backend);
        await dead.close();
      } finally {
        for (const nd of nodes) await nd.backend.close();
      }
    } finally {
      await cluster.destroy();
    }
  });
});

