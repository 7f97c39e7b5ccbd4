/**
 * Certified profiles: OCA certification reports turned into machine-readable profiles, and the audit that tells
 * where stations in the field depart from what was certified.
 * @example ocpp-mitm profile import hyc400.txt --out profiles/hyc400.json
 * @example ocpp-mitm audit --profiles profiles --bindings bindings.yaml --since 7d
 */
import type { Command } from 'commander';
import type { Feature } from '../core/feature.js';
import { registerAuditCommand } from './audit-command.js';
import { registerProfileCommands } from './profile-commands.js';

export { importReport, ImportError } from './report-import.js';
export { loadProfile, loadProfileDir, parseProfile, profileProblems, ProfileError, type LoadedProfile } from './profile-load.js';
export { bindingMatches, bootFactsOf, createResolver, loadBindings, type BootFacts, type ProfileResolver } from './bindings.js';
export { runAudit, auditExitCode, type AuditInput } from './audit-engine.js';
export { auditFromStore, parseSince, type AuditOptions } from './audit-command.js';
export { formatAuditTable } from './audit-format.js';
export { profileOfAction } from './action-profiles.js';
export { memberProfile } from './family-member.js';
export type * from './audit-types.js';
export type * from './profile-types.js';

export const profilesFeature: Feature = {
  name: 'profiles',
  commands(program: Command) {
    registerProfileCommands(program);
    registerAuditCommand(program);
  },
};
