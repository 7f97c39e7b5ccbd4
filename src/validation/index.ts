/**
 * Validation feature: every CALL and CALLRESULT checked against the OCA JSON schema of its action and OCPP
 * version (1.6 core + security extension, 2.0.1). See docs/validation.md.
 *
 * @example
 *   ocpp-mitm start --upstream ws://csms:9000/ocpp/ --validate enforce
 *   curl -H "authorization: Bearer $TOKEN" "$CONTROL/api/validation"
 */
import type { Feature } from '../core/feature.js';
import { createValidationAddon, type ValidationMode } from './validation-addon.js';

export { createValidationAddon, type ValidationAddon, type ValidationAddonOptions, type ValidationCounts, type ValidationMode } from './validation-addon.js';
export { createValidator, sharedValidator, type OcppValidator, type ValidatorOptions, type ValidatorStats } from './validator.js';
export { checkFrame, checkCallError } from './check-frame.js';
export { errorCodes, errorCodeFor, isKnownErrorCode, violationClassOf, ERROR_CODES_16, ERROR_CODES_201 } from './error-codes.js';
export { listSchemaFiles, loadSchemas, schemaDirs, SECURITY_EXTENSION_ACTIONS, type LoadedSchema, type SchemaFile, type SchemaKind } from './schema-loader.js';
export { SCHEMA_FIXES, applySchemaFixes, type SchemaFix } from './schema-fixes.js';

export const validationFeature: Feature = {
  name: 'validation',
  // `--validate observe|enforce|off` is defined by the start command itself (the relay core reads it too).
  addons(opts, env) {
    const mode = (opts.validate as string | undefined) ?? env.relay.validate;
    if (mode === 'off') return [];
    if (mode !== 'observe' && mode !== 'enforce') {
      throw new Error(`--validate must be observe, enforce or off, not ${JSON.stringify(mode)}`);
    }
    return [createValidationAddon({ mode: mode as ValidationMode })];
  },
};
