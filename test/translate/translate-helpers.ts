/** Helpers shared by the translation tests: an offline TranslationContext and schema checks. */
import assert from 'node:assert/strict';
import type { OcppVersion } from '../../src/core/types.js';
import { createOfflineContext, type OfflineContext, type OfflineContextOptions } from '../../src/translate/offline-context.js';
import { createValidator, type OcppValidator } from '../../src/validation/validator.js';

let shared: OcppValidator | undefined;
export const validator = (): OcppValidator => (shared ??= createValidator({ lazy: true }));

export const other = (v: OcppVersion): OcppVersion => (v === '1.6' ? '2.0.1' : '1.6');

/** Assert that a payload is valid for `version`'s schema of action/kind, naming the issues when it is not. */
export function assertValid(version: OcppVersion, kind: 'request' | 'response', action: string, payload: unknown): void {
  const r = validator().validate(version, kind, action, payload);
  assert.ok(r.valid, `${version} ${action} ${kind} is invalid: ${JSON.stringify(r.issues)}\n${JSON.stringify(payload)}`);
}

export type RecordingContext = OfflineContext;

export const testContext = (opts: OfflineContextOptions): RecordingContext =>
  createOfflineContext({ identity: 'CP-1', now: '2026-11-21T12:00:00.000Z', ...opts });
