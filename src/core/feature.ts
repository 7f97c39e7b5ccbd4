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

/** Where a running proxy's control API answers (the control feature's addon says). */
export interface ControlEndpoint {
  url: string;
  token: string;
}

/** What the live view opens on: one proxy's control API, or a fleet of them. */
export interface TuiTarget extends ControlEndpoint {
  /** Fleet view: this proxy's name, and more proxies merged into the same view. */
  name?: string;
  more?: ReadonlyArray<ControlEndpoint & { name?: string }>;
  /** Frames kept in memory. */
  capacity?: number;
  /** Close the view from outside (e.g. `demo --duration`). */
  signal?: AbortSignal;
  /** Quitting the view stops the proxy (`start --tui`): `q` asks first while stations are connected. */
  quitStopsProxy?: boolean;
}

/** A proxy started the way `ocpp-mitm start` starts one. */
export interface LaunchedProxy {
  /** ws:// or wss:// URL stations connect to (append /<identity>). */
  readonly url: string;
  /** The control API, when the control feature is in the proxy. */
  readonly control: ControlEndpoint | undefined;
  stop(): Promise<void>;
}

/**
 * What the CLI hands a feature's commands, so a command that runs a whole proxy (the demo) needs no import of
 * the CLI's own modules: the features of this build, how `start` launches a proxy, and the live view.
 */
export interface CommandContext {
  readonly features: readonly Feature[];
  launch(features: readonly Feature[], opts: StartOptions, logger?: Logger): Promise<LaunchedProxy>;
  /** Open the live view on a control API until the user quits or `signal` aborts. */
  runTui(target: TuiTarget): Promise<void>;
}

export interface Feature {
  readonly name: string;
  /** Options this feature adds to `ocpp-mitm start`. */
  startOptions?(cmd: Command): void;
  /** Relay options this feature decides from its own (validation's enforce mode refuses malformed frames). */
  relayOptions?(opts: StartOptions): Partial<Pick<RelayOptions, 'malformed'>>;
  /** Addons this feature contributes, in pipeline order within the feature. */
  addons?(opts: StartOptions, env: FeatureEnv): Addon[] | Promise<Addon[]>;
  /** TLS options for the station listener (wss://); the first feature that returns some wins. */
  listenerTls?(opts: StartOptions, env: FeatureEnv): (TlsOptions & SecureContextOptions) | undefined | Promise<(TlsOptions & SecureContextOptions) | undefined>;
  /** Top-level commands this feature adds to the CLI. */
  commands?(program: Command, ctx: CommandContext): void;
}
