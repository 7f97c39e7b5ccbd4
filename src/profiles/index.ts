/**
 * Certified profiles: OCA certification reports turned into machine-readable profiles, the audit that tells
 * where stations in the field depart from what was certified, and (with `start --profiles`) the profile each
 * connected station is bound to, for the live view's KPI screen.
 * @example ocpp-mitm profile import hyc400.txt --out profiles/hyc400.json
 * @example ocpp-mitm audit --profiles profiles --bindings bindings.yaml --since 7d
 * @example ocpp-mitm start --upstream ws://csms:9000/ocpp/ --profiles profiles --bindings bindings.yaml --tui
 */
import type { Command } from 'commander';
import type { Feature, StartOptions } from '../core/feature.js';
import { loadProfilesFor, registerAuditCommand } from './audit-command.js';
import { createProfileBindingAddon } from './profile-binding-addon.js';
import { registerProfileCommands } from './profile-commands.js';

export { importReport, ImportError } from './report-import.js';
export { loadProfile, loadProfileDir, parseProfile, profileProblems, ProfileError, type LoadedProfile } from './profile-load.js';
export { bindingMatches, bootFactsOf, createResolver, loadBindings, type BootFacts, type ProfileResolver } from './bindings.js';
export { runAudit, auditExitCode, type AuditInput } from './audit-engine.js';
export { auditFromStore, parseSince, type AuditOptions } from './audit-command.js';
export { formatAuditTable } from './audit-format.js';
export { profileOfAction } from './action-profiles.js';
export { memberProfile } from './family-member.js';
export {
  createProfileBindingAddon,
  type BoundStation,
  type BoundVia,
  type CertifiedKpis,
  type ProfileBindingAddon,
  type ProfileBindingOptions,
  type ProfileSummary,
  type ProfileView,
} from './profile-binding-addon.js';
export { liveVerdict, isCertifiedKpi, type LiveFigures } from './live-verdict.js';
export type * from './audit-types.js';
export type * from './profile-types.js';

const optionText = (opts: StartOptions, key: string): string | undefined => (typeof opts[key] === 'string' ? (opts[key] as string) : undefined);

export const profilesFeature: Feature = {
  name: 'profiles',
  startOptions(cmd) {
    // Same names and meaning as `audit`'s, so one set of files serves both.
    cmd.option('--profile <file>', 'certified profile for the KPI screen (applies to every station when it is the only one and nothing binds it)');
    cmd.option('--profiles <dir>', 'folder of certified profiles; a profile\'s "binding" key says which stations it applies to');
    cmd.option('--bindings <file>', 'YAML file binding profiles to stations (identity globs or BootNotification vendor/model/firmware)');
  },
  async addons(opts, env) {
    const files = { profile: optionText(opts, 'profile'), profiles: optionText(opts, 'profiles'), bindings: optionText(opts, 'bindings') };
    if (!files.profile && !files.profiles && !files.bindings) return [];
    // A bad file stops the start with its name and every problem (ProfileError), as `audit` does.
    const { rules, profiles } = await loadProfilesFor(files);
    if (profiles.length === 0 && rules.length === 0) throw new Error(`${files.profiles ?? files.bindings}: no certified profile in it (profiles are *.json files)`);
    env.logger.info(
      { profiles: profiles.map((p) => p.file), bindings: files.bindings, rules: rules.length },
      `certified profiles: ${profiles.length} loaded${files.bindings ? `, ${rules.length} binding rules from ${files.bindings}` : ''}`,
    );
    return [createProfileBindingAddon({ profiles, bindings: rules })];
  },
  commands(program: Command) {
    registerProfileCommands(program);
    registerAuditCommand(program);
  },
};
