/**
 * Certification reports for tests. Fixtures live in test/fixtures/reports: invented products written for this project
 * in each layout published OCA reports use. Real OCA reports are not part of the repository; tests over them read the
 * folder named by OCA_CERTIFICATES (default ../shared/certificates beside the clone) and are skipped where it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A report fixture's text, e.g. fixtureReport('voltline-duo-ocpp16-markdown.txt'). */
export const fixtureReport = (name: string): string => readFileSync(join(repoRoot, 'test/fixtures/reports', name), 'utf8');

/** The folder of real OCA reports tests may read. */
export const certificatesDir = resolve(repoRoot, process.env.OCA_CERTIFICATES ?? '../shared/certificates');

/** For `test(name, { skip: skipWithoutCertificates(...) }, ...)`: false when every file is there, else why the test is skipped. */
export function skipWithoutCertificates(...files: string[]): false | string {
  const missing = files.filter((f) => !existsSync(join(certificatesDir, f)));
  if (missing.length === 0) return false;
  return `real OCA reports not found (${missing.join(', ')} in ${certificatesDir}); set OCA_CERTIFICATES to a folder holding them`;
}

/** A real OCA report's text (only call it from a test skipped by skipWithoutCertificates). */
export const realReport = (name: string): string => readFileSync(join(certificatesDir, name), 'utf8');

/** The fixtures folder, with a trailing slash. */
export const fixturesDir = join(repoRoot, 'test/fixtures/reports') + '/';
