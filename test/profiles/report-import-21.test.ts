/** An OCA OCPP 2.1 certification report (the 2.0.1 layout family, "OCPP 2.1" in its title) imports to a 2.1 profile. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importReport } from '../../src/profiles/report-import.js';
import { profileProblems } from '../../src/profiles/profile-load.js';
import { profileOfAction } from '../../src/profiles/action-profiles.js';

const fixture = fileURLToPath(new URL('./fixtures/oca-2.1-charging-station.txt', import.meta.url));

test('a 2.1 certification report becomes a profile of OCPP 2.1, read as the 2.0.1 layout', () => {
  const p = importReport(readFileSync(fixture, 'utf8'));
  assert.equal(p.ocppVersion, '2.1');
  assert.equal(p.certificateNumber, 'F01.OCA.0210.0017.CS');
  assert.equal(p.holder, 'Alpitronic');
  assert.equal(p.softwareVersion, 'hyc_v4.2.1');
  assert.equal(p.certificationDate, '2026-11-14');
  assert.equal(p.configId, 'F21FDD4E-7C21AB03');
  assert.deepEqual(p.profiles, { Core: 'Pass', 'Advanced Security': 'Pass', 'Smart Charging': 'Not Tested', 'ISO 15118 Support': 'Not Tested' });
  assert.equal(p.evseCount, 4);
  // Security profiles are read as for 2.0.1: Core → 2, Advanced Security → 3, C-61 "Security Profile 1" → 1.
  assert.deepEqual(p.securityProfiles, [1, 2, 3]);
  assert.equal(p.settings?.ItemsPerMessageGetVariables, 1000);
  assert.ok(p.kpis?.response_time, 'the KPI table is read');
  assert.deepEqual(profileProblems(p), []);
});

test('2.1 actions map to the 2.0.1 certification profiles where both versions have them; the new ones to none', () => {
  assert.equal(profileOfAction('2.1', 'SetChargingProfile')?.name, profileOfAction('2.0.1', 'SetChargingProfile')?.name);
  assert.equal(profileOfAction('2.1', 'SetDERControl'), undefined);
});
