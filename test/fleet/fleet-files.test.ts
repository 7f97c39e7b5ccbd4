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
/** Options of the cluster store (issue 16), built in parallel: accepted here until both are merged. */
const CLUSTER_STORE_OPTIONS = new Set(['--clickhouse-cluster']);

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

test('compose-fleet.yaml: HAProxy, 3 proxies on shared Redis state, a 2-shard ClickHouse cluster', async (t) => {
  const compose = parse(readFileSync(join(DOCKER, 'compose-fleet.yaml'), 'utf8'), { merge: true });
  const services = compose.services as Record<string, any>;
  assert.deepEqual(Object.keys(services).sort(), ['clickhouse-1', 'clickhouse-2', 'haproxy', 'ocpp-mitm-1', 'ocpp-mitm-2', 'ocpp-mitm-3', 'redis']);
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
    for (const opt of cmd.filter((a) => a.startsWith('--'))) assert.ok(known.has(opt) || CLUSTER_STORE_OPTIONS.has(opt), `${opt} is not an option of ocpp-mitm start`);
    assert.equal(cmd[cmd.indexOf('--state') + 1], 'redis://redis:6379/0');
    assert.equal(cmd[cmd.indexOf('--clickhouse-cluster') + 1], 'ocpp');
    assert.ok(p.stop_grace_period, 'docker waits for the drain before SIGKILL');
    assert.ok(Object.keys(p.depends_on).includes('redis'));
  }
  const cfg = readFileSync(join(DOCKER, 'haproxy.cfg'), 'utf8');
  for (const name of ['ocpp-mitm-1', 'ocpp-mitm-2', 'ocpp-mitm-3']) assert.match(cfg, new RegExp(`server ${name} ${name}:9000`), `haproxy.cfg balances over ${name}`);
  // The cluster's configs come from the cluster-store work (docker/clickhouse/); say so plainly until they are here.
  const chFiles = ['clickhouse-1', 'clickhouse-2'].flatMap((n) => (services[n].volumes as string[]).filter((v) => v.startsWith('./clickhouse/')).map((v) => v.split(':')[0]!));
  assert.equal(chFiles.length, 4);
  const missing = chFiles.filter((f) => !existsSync(join(DOCKER, f)));
  if (missing.length > 0) t.diagnostic(`not in this tree yet (the cluster store's docker/clickhouse/): ${missing.join(', ')}`);
});
