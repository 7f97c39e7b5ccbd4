/** Imported profiles satisfy the shipped JSON Schema; hand-written mistakes fail with the path to fix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { importReport } from '../../src/profiles/report-import.js';
import { importCommand } from '../../src/profiles/profile-commands.js';
import { loadProfile, loadProfileDir, parseProfile, profileProblems, ProfileError } from '../../src/profiles/profile-load.js';
import { fixturesDir } from '../support/reports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const certDir = fixturesDir;
const CERTS = ['voltline-duo-ocpp16-markdown.txt', 'sparkbox-s6-ocpp16-security.txt', 'ampera-ax400-ocpp201-family.txt'];
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'test/profiles/run-cli.ts', ...args], { cwd: root, encoding: 'utf8' });

test('every imported certificate is a valid profile, and survives a JSON round trip', () => {
  for (const c of CERTS) {
    const p = importReport(readFileSync(certDir + c, 'utf8'));
    assert.deepEqual(profileProblems(p), [], c);
    assert.deepEqual(parseProfile(JSON.stringify(p), c), p);
  }
});

test('a hand-written profile with mistakes: every problem named with its path', () => {
  const bad = {
    product: 'Home brew',
    ocppVersion: '1.5',
    certificationDate: '15/10/2025',
    kpis: { response_time: { declaredMax: 1, minS: null, maxS: 0.5, avgS: null }, boot_time: null },
    securityProfiles: [4],
    binding: { stations: [] },
    colour: 'red',
  };
  const problems = profileProblems(bad);
  const has = (re: RegExp): void => assert.ok(problems.some((p) => re.test(p)), `${re} in ${JSON.stringify(problems)}`);
  has(/^\/ocppVersion: must be one of "1\.6", "2\.0\.1", "2\.1"$/);
  has(/^\/certificationDate: must match format "date"$/);
  has(/^\/kpis\/response_time: unknown key "declaredMax"$/);
  has(/^\/kpis\/response_time: missing "declaredMaxS"$/);
  has(/^\/kpis: unknown key "boot_time"$/);
  has(/^\/securityProfiles\/0: must be <= 3$/);
  has(/^\/binding\/stations: must NOT have fewer than 1 items$/);
  has(/^\(top level\): unknown key "colour"$/);
  assert.deepEqual(profileProblems({ product: 'Minimal', ocppVersion: '2.0.1' }), [], 'product and version are all a profile needs');
  assert.deepEqual(profileProblems({ ocppVersion: '2.0.1' }), ['(top level): missing "product"']);
});

test('loading files: bad JSON, bad profile, a folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
  writeFileSync(join(dir, 'broken.json'), '{"product": ');
  await assert.rejects(loadProfile(join(dir, 'broken.json')), (err: unknown) => err instanceof ProfileError && /broken\.json: not a valid profile:\n {2}- not JSON/.test(err.message));
  await assert.rejects(loadProfile(join(dir, 'absent.json')), /cannot read: ENOENT/);
  const ok = mkdtempSync(join(tmpdir(), 'profiles-'));
  writeFileSync(join(ok, 'b.json'), JSON.stringify({ product: 'B', ocppVersion: '1.6' }));
  writeFileSync(join(ok, 'a.json'), JSON.stringify({ product: 'A', ocppVersion: '2.0.1' }));
  writeFileSync(join(ok, 'notes.txt'), 'not a profile');
  assert.deepEqual((await loadProfileDir(ok)).map((l) => l.profile.product), ['A', 'B']);
});

test('CLI: profile import --out writes a profile that profile check accepts; errors exit non-zero', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'profiles-cli-'));
  const out = join(dir, 'c6.json');
  const imp = cli('profile', 'import', certDir + 'sparkbox-s6-ocpp16-security.txt', '--out', out);
  assert.equal(imp.status, 0, imp.stderr);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).certificateNumber, 'OCA.0016.9970.CS');

  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ product: 'X', ocppVersion: '3.0' }));
  const check = cli('profile', 'check', out, join(dir, 'bad.json'));
  assert.equal(check.status, 1, 'one bad file fails the check');
  assert.match(check.stdout, /c6\.json: ok \(S6, OCPP 1\.6\)/);
  assert.match(check.stderr, /bad\.json: not a valid profile:\n {2}- \/ocppVersion: must be one of "1\.6", "2\.0\.1"/);

  writeFileSync(join(dir, 'letter.txt'), 'Hello\n');
  const notReport = cli('profile', 'import', join(dir, 'letter.txt'));
  assert.equal(notReport.status, 1);
  assert.match(notReport.stderr, /is not an OCA certification report: missing Certificate Number/);

  // The table form, in process.
  const table = await importCommand(certDir + 'voltline-duo-ocpp16-markdown.txt', { format: 'table' });
  assert.match(table.text, /certificate\s+OCA\.0016\.9127\.CS/);
  assert.match(table.text, /Smart Charging\s+Not Tested/);
  assert.match(table.text, /response_time\s+8\.00\s+0\.05\s+1\.00\s+0\.09/);
});
