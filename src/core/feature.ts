/**
 * A feature is one capability of ocpp-mitm as the CLI sees it: the options it adds to `start`, the addons it
 * contributes to the relay, and the commands it adds. `src/features.ts` lists them in pipeline order.
 */
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { Addon, RelayOptions } from './addon.js';

export interface FeatureEnv {
  logger: Logger;
  relay: RelayOptions;
}

/** Parsed options of `ocpp-mitm start` (commander's camelCase names). */
export type StartOptions = Record<string, unknown>;

export interface Feature {
  readonly name: string;
  /** Options this feature adds to `ocpp-mitm start`. */
  startOptions?(cmd: Command): void;
  /** Addons this feature contributes, in pipeline order within the feature. */
  addons?(opts: StartOptions, env: FeatureEnv): Addon[] | Promise<Addon[]>;
  /** TLS options for the station listener (wss://); the first feature that returns some wins. */
  listenerTls?(opts: StartOptions, env: FeatureEnv): (TlsOptions & SecureContextOptions) | undefined | Promise<(TlsOptions & SecureContextOptions) | undefined>;
  /** Top-level commands this feature adds to the CLI. */
  commands?(program: Command): void;
}
