/**
 * The 2-shard cluster compose file, checked as far as this machine allows (no Docker engine): the YAML parses and
 * wires two ClickHouse nodes and the proxy, every file it mounts exists, the proxy's options are ones `start` knows;
 * and the XML under docker/clickhouse/ is loaded by a real clickhouse-server (Debian's 18.16), which then reports
 * the cluster `ocpp` with two shards and each node's macros (host names swapped for 127.0.0.1, as there is no DNS
 * for ch-1/ch-2 here).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { runCli } from '../support/cli-process.js';
import { SKIP_MESSAGE, TestClickhouse, clickhouseBin } from '../store/clickhouse-support.js';

const DOCKER = join(PACKAGE_ROOT, 'docker');
// Docker Compose reads YAML merge keys (<<: *clickhouse), which the yaml package takes only when asked.
const compose = parse(readFileSync(join(DOCKER, 'compose-cluster.yaml'), 'utf8'), { merge: true });

it('compose-cluster.yaml: two ClickHouse nodes and a proxy recording into the cluster ocpp through both', async () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ['ch-1', 'ch-2', 'ocpp-mitm']);
  for (const n of ['ch-1', 'ch-2']) {
    const svc = compose.services[n];
    assert.match(svc.image, /^clickhouse\/clickhouse-server:/);
    const mounts = (svc.volumes as string[]).filter((v) => v.startsWith('./'));
    assert.ok(mounts.some((m) => m.includes('/etc/clickhouse-server/config.d/cluster.xml')));
    assert.ok(mounts.some((m) => m.includes(`macros-${n}.xml`)));
    for (const m of mounts) assert.ok(existsSync(join(DOCKER, m.split(':')[0]!)), `${n} mounts ${m}, which does not exist`);
    assert.equal(compose.services['ocpp-mitm'].depends_on[n].condition, 'service_healthy');
  }
  const proxy = compose.services['ocpp-mitm'];
  assert.ok(existsSync(join(DOCKER, proxy.build.context, proxy.build.dockerfile)));
  for (const m of (proxy.volumes as string[]).filter((v) => v.startsWith('.'))) assert.ok(existsSync(join(DOCKER, m.split(':')[0]!)), `${m} does not exist`);
  const cmd = proxy.command as string[];
  assert.equal(cmd[cmd.indexOf('--clickhouse-cluster') + 1], 'ocpp');
  assert.equal(cmd[cmd.indexOf('--clickhouse') + 1], 'http://ch-1:8123/ocpp,http://ch-2:8123/ocpp');
  const help = runCli(['start', '--help']);
  await help.exited;
  const known = new Set(help.stdout().match(/--[a-z][a-z0-9-]*/g) ?? []);
  for (const opt of cmd.filter((a) => a.startsWith('--'))) assert.ok(known.has(opt), `${opt} is not an option of ocpp-mitm start`);
});

it('docker/clickhouse/*.xml load into clickhouse-server: cluster ocpp with two shards, each node its macros', { skip: clickhouseBin() ? undefined : SKIP_MESSAGE, timeout: 60_000 }, async () => {
  const node = (await TestClickhouse.allocate())!;
  try {
    const configD = join(node.dir, 'etc', 'config.d');
    mkdirSync(configD, { recursive: true });
    writeFileSync(join(configD, 'cluster.xml'), readFileSync(join(DOCKER, 'clickhouse', 'cluster.xml'), 'utf8').replace(/<host>ch-\d<\/host>/g, '<host>127.0.0.1</host>'));
    writeFileSync(join(configD, 'macros.xml'), readFileSync(join(DOCKER, 'clickhouse', 'macros-ch-2.xml'), 'utf8'));
    await node.start();
    assert.equal(await node.query("SELECT groupArray(shard_num) FROM (SELECT shard_num FROM system.clusters WHERE cluster = 'ocpp' ORDER BY shard_num)"), '[1,2]');
    assert.equal(await node.query("SELECT arrayStringConcat(groupArray(concat(macro, '=', substitution)), ',') FROM (SELECT * FROM system.macros ORDER BY macro)"), 'replica=ch-2,shard=2');
  } finally {
    await node.destroy();
  }
});
