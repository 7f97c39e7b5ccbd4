/** Which profile applies to which station: bindings file, profiles' own bindings, the single-profile default. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindingMatches, bootFactsOf, createResolver, loadBindings } from '../../src/profiles/bindings.js';
import { loadProfileDir, ProfileError, type LoadedProfile } from '../../src/profiles/profile-load.js';

const loaded = (product: string, extra: object = {}): LoadedProfile => ({ file: `${product}.json`, profile: { product, ocppVersion: '2.0.1', ...extra } });

test('bindingMatches: identity globs, boot facts (case-insensitive), all criteria together', () => {
  assert.ok(bindingMatches({ stations: ['HYC-*'] }, 'HYC-001', undefined));
  assert.ok(!bindingMatches({ stations: ['HYC-*'] }, 'hyc-001', undefined), 'identities are case-sensitive');
  assert.ok(bindingMatches({ stations: ['A', 'B-?'] }, 'B-7', undefined));
  const boot = { vendor: 'Alpitronic', model: 'HYC400', firmware: 'hyc_v3.0.0' };
  assert.ok(bindingMatches({ match: { vendor: 'alpitronic', model: 'HYC*' } }, 'X', boot));
  assert.ok(!bindingMatches({ match: { vendor: 'alpitronic', firmware: 'hyc_v2.*' } }, 'X', boot));
  assert.ok(!bindingMatches({ match: { vendor: 'alpitronic' } }, 'X', undefined), 'no BootNotification seen: no match on boot facts');
  assert.ok(!bindingMatches({ stations: ['HYC-*'], match: { vendor: 'XCHARGE' } }, 'HYC-1', boot), 'both must match');
  assert.ok(!bindingMatches({}, 'X', boot), 'an empty binding matches nothing');
});

test('bootFactsOf reads 1.6 and 2.0.1 BootNotification requests', () => {
  assert.deepEqual(bootFactsOf({ chargePointVendor: 'XCHARGE', chargePointModel: 'C6', firmwareVersion: 'V2.1.29' }), { vendor: 'XCHARGE', model: 'C6', firmware: 'V2.1.29' });
  assert.deepEqual(bootFactsOf({ reason: 'PowerUp', chargingStation: { vendorName: 'Alpitronic', model: 'HYC400' } }), { vendor: 'Alpitronic', model: 'HYC400', firmware: undefined });
  assert.equal(bootFactsOf({}), undefined);
  assert.equal(bootFactsOf('x'), undefined);
});

test('resolver order: bindings file first, then profiles\' own bindings, then a single unbound profile', () => {
  const a = loaded('A');
  const b = loaded('B', { binding: { match: { model: 'C6*' } } });
  const resolve = createResolver([{ loaded: a, stations: ['CP-1*'], source: 'bindings.yaml#1' }], [b]);
  assert.equal(resolve('CP-10', { model: 'C6' })?.loaded.profile.product, 'A', 'the bindings file wins');
  assert.equal(resolve('CP-20', { model: 'C6-EU' })?.source, 'profile binding');
  assert.equal(resolve('CP-20', { model: 'HYC' }), undefined, 'nothing binds it');
  const single = createResolver([], [loaded('Only')]);
  assert.equal(single('anything', undefined)?.loaded.profile.product, 'Only');
  assert.equal(createResolver([], [loaded('A'), loaded('B')])('x', undefined), undefined, 'two unbound profiles: no guessing');
});

test('loadBindings: YAML list or {bindings}, paths relative to the file, clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindings-'));
  mkdirSync(join(dir, 'profiles'));
  writeFileSync(join(dir, 'profiles', 'hyc.json'), JSON.stringify({ product: 'HYC', ocppVersion: '2.0.1' }));
  writeFileSync(join(dir, 'profiles', 'c6.json'), JSON.stringify({ product: 'C6', ocppVersion: '1.6', binding: { stations: ['C6-*'] } }));
  writeFileSync(
    join(dir, 'bindings.yaml'),
    ['- profile: profiles/hyc.json', '  stations: ["HYC-*"]', '- profile: profiles/hyc.json', '  match: {vendor: alpitronic, model: "HYC*"}'].join('\n'),
  );
  const rules = await loadBindings(join(dir, 'bindings.yaml'));
  assert.equal(rules.length, 2);
  assert.equal(rules[0]!.loaded.file, join(dir, 'profiles', 'hyc.json'));
  assert.deepEqual(rules[1]!.match, { vendor: 'alpitronic', model: 'HYC*' });
  const resolve = createResolver(rules, await loadProfileDir(join(dir, 'profiles')));
  assert.equal(resolve('HYC-9', undefined)?.loaded.profile.product, 'HYC');
  assert.equal(resolve('site-4', { vendor: 'Alpitronic', model: 'HYC400' })?.source, `${join(dir, 'bindings.yaml')}#2`);
  assert.equal(resolve('C6-1', undefined)?.loaded.profile.product, 'C6', 'the profile\'s own binding');

  writeFileSync(join(dir, 'wrapped.yaml'), 'bindings:\n  - profile: profiles/c6.json\n    stations: ["X"]\n');
  assert.equal((await loadBindings(join(dir, 'wrapped.yaml')))[0]!.loaded.profile.product, 'C6');

  writeFileSync(join(dir, 'bad.yaml'), '- profile: profiles/hyc.json\n- profile: profiles/hyc.json\n  station: ["typo"]\n');
  await assert.rejects(loadBindings(join(dir, 'bad.yaml')), (err: unknown) => {
    assert.ok(err instanceof ProfileError);
    assert.match(err.message, /\/0: needs "stations" or "match"/);
    assert.match(err.message, /\/1: must NOT have additional properties \("station"\)/);
    return true;
  });
  writeFileSync(join(dir, 'missing.yaml'), '- profile: profiles/none.json\n  stations: ["*"]\n');
  await assert.rejects(loadBindings(join(dir, 'missing.yaml')), /none\.json: not a valid profile:\n {2}- cannot read: ENOENT/);
});
