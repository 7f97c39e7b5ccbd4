/**
 * Validation feature: every CALL and CALLRESULT checked against the OCA JSON schema of its action and OCPP
 * version (1.6 core + security extension, 2.0.1). See docs/validation.md.
 *
 * @example
 *   ocpp-mitm start --upstream ws://csms:9000/ocpp/ --validate enforce
 *   curl -H "authorization: Bearer $TOKEN" "$CONTROL/api/validation"
 */
import { Option, type Command } from 'commander';
import type { Feature, StartOptions } from '../core/feature.js';
import { createValidationAddon, type ValidationMode } from './validation-addon.js';

export { createValidationAddon, type ValidationAddon, type ValidationAddonOptions, type ValidationCounts, type ValidationMode } from './validation-addon.js';
export { createValidator, sharedValidator, type OcppValidator, type ValidatorOptions, type ValidatorStats } from './validator.js';
export { checkFrame, checkCallError } from './check-frame.js';
export { errorCodes, errorCodeFor, isKnownErrorCode, violationClassOf, ERROR_CODES_16, ERROR_CODES_201 } from './error-codes.js';
export { listSchemaFiles, loadSchemas, schemaDirs, SECURITY_EXTENSION_ACTIONS, type LoadedSchema, type SchemaFile, type SchemaKind } from './schema-loader.js';
export { SCHEMA_FIXES, applySchemaFixes, type SchemaFix } from './schema-fixes.js';

const MODES = ['observe', 'enforce', 'off'] as const;

/** `--validate`, checked: this feature owns the option (the relay core knows only its malformed-frame policy). */
function modeOf(opts: StartOptions): ValidationMode | 'off' {
  const mode = opts.validate ?? 'observe';
  if (!(MODES as readonly unknown[]).includes(mode)) throw new Error(`--validate must be observe, enforce or off, not ${JSON.stringify(mode)}`);
  return mode as ValidationMode | 'off';
}

export const validationFeature: Feature = {
  name: 'validation',
  startOptions(cmd: Command) {
    cmd.addOption(
      new Option('--validate <mode>', 'schema validation: observe flags and forwards, enforce answers the sender per the spec and forwards nothing').choices(MODES).default('observe'),
    );
  },
  // Enforcing also refuses what is not OCPP-J at all (malformed, too deep): the relay's own policy for those.
  relayOptions: (opts) => ({ malformed: modeOf(opts) === 'enforce' ? 'refuse' : 'forward' }),
  addons(opts) {
    const mode = modeOf(opts);
    return mode === 'off' ? [] : [createValidationAddon({ mode })];
  },
};
