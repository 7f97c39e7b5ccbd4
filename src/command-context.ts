/**
 * The CLI's side of `CommandContext`: the features of this build, `start`'s way of launching a proxy, and the
 * live view (Ink and React load only when it opens). Given to every feature's commands by cli.ts.
 */
import { launchProxy } from './commands/start.js';
import type { CommandContext, Feature } from './core/feature.js';

export function commandContext(features: readonly Feature[]): CommandContext {
  return {
    features,
    launch: launchProxy,
    runTui: async (target) => (await import('../tui/index.js')).runTui(target),
  };
}
