/**
 * No Docker engine runs here, so the container files are checked for what can be checked without one:
 * the compose file parses and wires what it claims, every path the Dockerfile copies exists, and every
 * option the containers pass to `ocpp-mitm start` is one the program knows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { runCli } from '../support/cli-process.js';

const dockerfile = readFileSync(join(PACKAGE_ROOT, 'docker', 'Dockerfile'), 'utf8');
const compose = parse(readFileSync(join(PACKAGE_ROOT, 'docker', 'compose.yaml'), 'utf8'));

async function startOptions(): Promise<Set<string>> {
  const run = runCli(['start', '--help']);
  await run.exited;
  return new Set(run.stdout().match(/--[a-z][a-z0-9-]*/g) ?? []);
}

test('the Dockerfile copies only paths that exist and runs the built CLI', () => {
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) => m[1]!.trim().split(/\s+/).slice(0, -1)).flat();
  assert.ok(copies.length >= 5);
  for (const src of copies) assert.ok(existsSync(join(PACKAGE_ROOT, src)), `Dockerfile copies ${src}, which does not exist`);
  assert.match(dockerfile, /ENTRYPOINT \["node", "dist\/src\/cli.js"\]/);
});

test('compose wires the proxy to a ClickHouse server with options the program knows', async () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ['clickhouse', 'ocpp-mitm']);
  const proxy = compose.services['ocpp-mitm'];
  assert.equal(proxy.build.dockerfile, 'docker/Dockerfile');
  assert.ok(existsSync(join(PACKAGE_ROOT, 'docker', proxy.build.context, proxy.build.dockerfile)));
  assert.equal(proxy.depends_on.clickhouse.condition, 'service_healthy');
  const known = await startOptions();
  const cmdOptions = [
    ...(proxy.command as string[]).filter((a) => a.startsWith('--')),
    ...(JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[]).filter((a) => a.startsWith('--')),
  ];
  for (const opt of cmdOptions) assert.ok(known.has(opt), `${opt} is not an option of ocpp-mitm start`);
  assert.ok(cmdOptions.includes('--clickhouse'));
});
