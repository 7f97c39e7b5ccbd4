/**
 * OCPP 1.6 ↔ 2.0.1 translation as a feature: `--translate-config FILE` (per-station globs, key map, connector
 * map), `--upstream-protocol` (translate every station that does not speak it), `--translate-overflow`.
 * See docs/translation.md.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Option } from 'commander';
import type { Feature } from '../core/feature.js';
import { RedisStateStore } from './redis-state-store.js';
import { translateAddon, type StateStoreHooks } from './translate-addon.js';
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
    cmd.option(
      '--state <url>',
      'keep translation state in Redis (redis://[:password@]host:6379/db), shared by a fleet of proxies; default: one file per station in --data',
    );
  },

  async addons(opts, env) {
    const file = opts.translateConfig as string | undefined;
    const upstreamProtocol = opts.upstreamProtocol as UpstreamProtocol | undefined;
    if (!file && !upstreamProtocol) {
      if (opts.state) env.logger.warn('--state has no effect: nothing is translated (no --translate-config or --upstream-protocol)');
      return [];
    }
    const config: TranslateConfigFile = file ? await loadTranslateConfig(file) : {};
    const rules = new TranslateRules({ file: config, upstreamProtocol, overflow: opts.translateOverflow as OverflowPolicy | undefined });
    env.logger.info({ file, upstreamProtocol, overflow: rules.configFor('').overflow }, 'OCPP translation on');
    const stateUrl = opts.state as string | undefined;
    if (stateUrl && !/^rediss?:\/\//.test(stateUrl)) throw new Error('--state must be a redis:// or rediss:// URL');
    const stateStore = stateUrl
      ? (hooks: StateStoreHooks) =>
          new RedisStateStore({ url: stateUrl, owner: `${hostname()}:${process.pid}`, onError: hooks.error, onRecover: hooks.info, onLost: hooks.lost })
      : undefined;
    return [translateAddon({ rules, stateDir: join(env.relay.dataDir, 'translation'), stateStore })];
  },
};

export { translateAddon, TABLES } from './translate-addon.js';
export { TranslateRules, parseTranslateConfig } from './translate-config.js';
