/**
 * The store on a ClickHouse cluster (`--clickhouse-cluster NAME`): on every listed node, local tables
 * (`frames_local`, … as MergeTree, or ReplicatedMergeTree when the cluster has replicas) and `Distributed` tables
 * under the store's usual names (`frames`, …) over them, sharded by station identity so one station's rows stay on
 * one shard. Everything that reads the store reads the Distributed tables, so it sees the whole fleet.
 *
 * The schema version is kept per node (`schema_version` is local): nodes that disagree are reported by name and
 * nothing is changed, rather than leaving the cluster half-migrated. Nodes that cannot be reached are skipped (they
 * get their tables the next time the store prepares, e.g. after an outage), as long as one node answers.
 */
import { isUnavailable, type StoreBackend } from './backend.js';
import { capsOf, createTableSql, SCHEMA_VERSION, TABLES } from './schema.js';
import { int, str } from './sql.js';

export interface ClusterNode {
  backend: StoreBackend;
  /** The node's database (the Distributed tables name it). */
  database: string;
}

export const LOCAL_SUFFIX = '_local';
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkClusterName(name: string): string {
  if (!NAME_RE.test(name)) throw new Error(`--clickhouse-cluster: not a cluster name: ${JSON.stringify(name)} (letters, digits, _)`);
  return name;
}

interface NodeState {
  node: ClusterNode;
  version: string;
  found: number;
}

/** Shards and most replicas per shard of the cluster, as the node's `remote_servers` defines it. */
export async function clusterShape(be: StoreBackend, cluster: string): Promise<{ shards: number; replicas: number }> {
  const rows = await be.query<{ shards: number | string; replicas: number | string }>(
    `SELECT uniqExact(shard_num) AS shards, max(replica_num) AS replicas FROM system.clusters WHERE cluster = ${str(cluster)}`,
  );
  const shards = Number(rows[0]?.shards ?? 0);
  if (shards === 0) {
    throw new Error(`${be.where} has no cluster named ${cluster} in its remote_servers configuration (see docs/store.md, "On a cluster")`);
  }
  return { shards, replicas: Number(rows[0]?.replicas ?? 1) };
}

/** Create or check the cluster's tables on every reachable node; throws when none is reachable or they disagree. */
export async function migrateCluster(nodes: readonly ClusterNode[], cluster: string, retentionDays?: number): Promise<void> {
  const states: NodeState[] = [];
  let unreachable: unknown;
  for (const node of nodes) {
    try {
      const version = await node.backend.version();
      await node.backend.exec(
        'CREATE TABLE IF NOT EXISTS schema_version (version UInt32, applied_at UInt64, description String) ENGINE = MergeTree() ORDER BY version',
      );
      const v = await node.backend.query<{ v: number | string }>('SELECT max(version) AS v FROM schema_version');
      states.push({ node, version, found: Number(v[0]?.v ?? 0) });
    } catch (err) {
      if (!isUnavailable(err)) throw new Error(`${node.backend.where}: ${(err as Error).message}`, { cause: err });
      unreachable = err;
    }
  }
  if (states.length === 0) throw unreachable;

  const versioned = states.filter((s) => s.found > 0);
  if (new Set(versioned.map((s) => s.found)).size > 1) {
    const list = versioned.map((s) => `${s.node.backend.where} has version ${s.found}`).join(', ');
    throw new Error(`the store's nodes disagree on the schema version: ${list}; bring every node to one version before recording (nothing was changed)`);
  }
  const newer = versioned.find((s) => s.found > SCHEMA_VERSION);
  if (newer) {
    throw new Error(`${newer.node.backend.where}: the store's schema is version ${newer.found}, newer than this ocpp-mitm knows (${SCHEMA_VERSION}): upgrade ocpp-mitm`);
  }

  const { replicas } = await clusterShape(states[0]!.node.backend, cluster);
  for (const s of states) await prepareNode(s, cluster, replicas > 1, retentionDays);
}

async function prepareNode(s: NodeState, cluster: string, replicated: boolean, retentionDays?: number): Promise<void> {
  const be = s.node.backend;
  const caps = capsOf(s.version);
  const engines = await be.query<{ name: string; engine: string }>(
    `SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name IN (${TABLES.map((t) => str(t.name)).join(', ')})`,
  );
  const single = engines.find((e) => e.engine !== 'Distributed');
  if (single) {
    throw new Error(
      `${be.where}: ${single.name} is a ${single.engine} table of a single-node store, not a Distributed one; record the cluster into another database`,
    );
  }
  const db = s.node.database;
  for (const t of TABLES) {
    const local = `${t.name}${LOCAL_SUFFIX}`;
    // Replicas of a shard share a ZooKeeper path ({shard} and {replica} come from each node's <macros>).
    const engine = replicated ? `ReplicatedMergeTree(${str(`/clickhouse/tables/{shard}/${db}.${local}`)}, '{replica}')` : 'MergeTree()';
    await be.exec(createTableSql(t, caps, retentionDays, { name: local, engine }));
    await be.exec(`CREATE TABLE IF NOT EXISTS ${t.name} AS ${local} ENGINE = Distributed(${cluster}, ${str(db)}, ${local}, sipHash64(identity))`);
  }
  if (s.found < SCHEMA_VERSION) {
    await be.exec(
      `INSERT INTO schema_version (version, applied_at, description) VALUES (${SCHEMA_VERSION}, ${int(Date.now() * 1000)}, ${str(`cluster ${cluster}: local and Distributed tables`)})`,
    );
  }
}
