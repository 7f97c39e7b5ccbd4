/**
 * OCPP 1.6 ↔ 2.0.1 translation as a feature: `--translate-config FILE` (per-station globs, key map, connector
 * map), `--upstream-protocol` (translate every station that does not speak it), `--translate-overflow`.
 * See docs/translation.md.
 */
import { join } from 'node:path';
import { Option } from 'commander';
import type { Feature } from '../core/feature.js';
import { translateAddon } from './translate-addon.js';
import { loadTranslateConfig, TranslateRules, type OverflowPolicy, type TranslateConfigFile, type UpstreamProtocol } from './translate-config.js';

export const translateFeature: Feature = {
  name: 'translation',

  startOptions(cmd) {
    cmd.option('--translate-config <file>', 'translate OCPP 1.6 ↔ 2.0.1 ↔ 2.1 for the stations this YAML file names (see docs/translation.md)');
    cmd.addOption(
      new Option('--upstream-protocol <protocol>', 'translate every station that does not speak this version: its CSMS leg uses it (default: none, no translation)').choices(['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6']),
    );
    cmd.addOption(
      new Option('--translate-overflow <policy>', 'a value too long for its field in the other version: truncate it and record a notice, or reject the message')
        .choices(['truncate', 'reject']),
    );
  },

  async addons(opts, env) {
    const file = opts.translateConfig as string | undefined;
    const upstreamProtocol = opts.upstreamProtocol as UpstreamProtocol | undefined;
    if (!file && !upstreamProtocol) return [];
    const config: TranslateConfigFile = file ? await loadTranslateConfig(file) : {};
    const rules = new TranslateRules({ file: config, upstreamProtocol, overflow: opts.translateOverflow as OverflowPolicy | undefined });
    env.logger.info({ file, upstreamProtocol, overflow: rules.configFor('').overflow }, 'OCPP translation on');
    return [translateAddon({ rules, stateDir: join(env.relay.dataDir, 'translation') })];
  },
};

export { translateAddon, TABLES } from './translate-addon.js';
export { TranslateRules, parseTranslateConfig } from './translate-config.js';
