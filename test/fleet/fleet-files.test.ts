/**
 * The fleet's container files, checked as far as this machine allows (no Docker engine): HAProxy accepts both
 * configurations (`haproxy -c`), they balance the way docs/fleet.md says, and the fleet compose file parses and
 * wires HAProxy, 3 proxies, Redis and a 2-shard ClickHouse cluster with options `ocpp-mitm start` knows.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { runCli } from '../support/cli-process.js';

const run = promisify(execFile);
const DOCKER = join(PACKAGE_ROOT, 'docker');
const HAPROXY = '/usr/sbin/haproxy';

const haproxyInstalled = (): boolean => {
  try {
    accessSync(HAPROXY, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

for (const file of ['haproxy.cfg', 'haproxy-tls.cfg']) {
  test(`haproxy -c accepts docker/${file}`, async (t) => {
    if (!haproxyInstalled()) return t.skip('haproxy not installed');
    // Exit 0 means valid; the warnings are the server names, which only resolve inside the compose network.
    const { stdout, stderr } = await run(HAPROXY, ['-c', '-f', join(DOCKER, file)]);
    assert.match(stdout + stderr, /Configuration file is valid/);
    const warnings = (stdout + stderr).split('\n').filter((l) => l.includes('[WARNING]'));
    for (const w of warnings) assert.match(w, /could not resolve address 'ocpp-mitm-\d'/, `unexpected warning: ${w}`);
  });
}

test('haproxy.cfg: consistent hashing on the identity in the path, /readyz checks, a WebSocket tunnel timeout', () => {
  const cfg = readFileSync(join(DOCKER, 'haproxy.cfg'), 'utf8');
  assert.match(cfg, /http-request set-var\(txn\.station\) path,field\(-1,\/\)/);
  assert.match(cfg, /balance hash var\(txn\.station\)/);
  assert.match(cfg, /hash-type consistent/);
  assert.match(cfg, /option httpchk GET \/readyz/);
  assert.match(cfg, /timeout tunnel \d+h/);
  assert.equal([...cfg.matchAll(/^\s*server ocpp-mitm-\d ocpp-mitm-\d:9000$/gm)].length, 3);
  const tls = readFileSync(join(DOCKER, 'haproxy-tls.cfg'), 'utf8');
  assert.match(tls, /^\s*mode tcp$/m, 'TLS passes through: client certificates reach the proxies');
  assert.match(tls, /check-ssl/);
});

test('compose-fleet.yaml: HAProxy, 3 proxies on shared Redis state, a 2-shard ClickHouse cluster', async () => {
  const compose = parse(readFileSync(join(DOCKER, 'compose-fleet.yaml'), 'utf8'), { merge: true });
  const services = compose.services as Record<string, any>;
  assert.deepEqual(Object.keys(services).sort(), ['ch-1', 'ch-2', 'grafana', 'haproxy', 'ocpp-mitm-1', 'ocpp-mitm-2', 'ocpp-mitm-3', 'redis']);
  // Grafana's provisioning and board are the ones the board test checks.
  for (const v of services.grafana.volumes as string[]) if (v.startsWith('./')) assert.ok(existsSync(join(DOCKER, v.split(':')[0]!)), `grafana mounts ${v}`);
  for (const v of services.haproxy.volumes as string[]) {
    const src = v.split(':')[0]!;
    assert.ok(existsSync(join(DOCKER, src)), `haproxy mounts ${src}, which does not exist`);
  }
  const known = await (async () => {
    const r = runCli(['start', '--help']);
    await r.exited;
    return new Set(r.stdout().match(/--[a-z][a-z0-9-]*/g) ?? []);
  })();
  for (const name of ['ocpp-mitm-1', 'ocpp-mitm-2', 'ocpp-mitm-3']) {
    const p = services[name];
    assert.equal(p.build.dockerfile, 'docker/Dockerfile');
    const cmd = p.command as string[];
    for (const opt of cmd.filter((a) => a.startsWith('--'))) assert.ok(known.has(opt), `${opt} is not an option of ocpp-mitm start`);
    assert.equal(cmd[cmd.indexOf('--state') + 1], 'redis://redis:6379/0');
    assert.equal(cmd[cmd.indexOf('--clickhouse-cluster') + 1], 'ocpp');
    assert.ok(p.stop_grace_period, 'docker waits for the drain before SIGKILL');
    assert.ok(Object.keys(p.depends_on).includes('redis'));
  }
  const cfg = readFileSync(join(DOCKER, 'haproxy.cfg'), 'utf8');
  for (const name of ['ocpp-mitm-1', 'ocpp-mitm-2', 'ocpp-mitm-3']) assert.match(cfg, new RegExp(`server ${name} ${name}:9000`), `haproxy.cfg balances over ${name}`);
  // The cluster is compose-cluster.yaml's, from the same configs: the nodes its cluster.xml names, every file there.
  const chFiles = ['ch-1', 'ch-2'].flatMap((n) => (services[n].volumes as string[]).filter((v) => v.startsWith('./clickhouse/')).map((v) => v.split(':')[0]!));
  assert.deepEqual(chFiles, ['./clickhouse/cluster.xml', './clickhouse/macros-ch-1.xml', './clickhouse/cluster.xml', './clickhouse/macros-ch-2.xml']);
  for (const f of chFiles) assert.ok(existsSync(join(DOCKER, f)), `${f} exists`);
  const clusterXml = readFileSync(join(DOCKER, 'clickhouse/cluster.xml'), 'utf8');
  for (const host of ['ch-1', 'ch-2']) {
    assert.match(clusterXml, new RegExp(`<host>${host}</host>`), `cluster.xml names ${host}`);
    assert.equal(services[host].hostname, host);
  }
});
