/**
 * `ocpp-mitm start`: assemble every feature's addons in pipeline order, start the relay, and shut down
 * cleanly on SIGTERM / SIGINT (close both legs of every session with 1001, flush what is recorded, exit 0).
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import type { Addon, RelayOptions } from '../core/addon.js';
import type { Feature, FeatureEnv, StartOptions } from '../core/feature.js';
import { RELAY_DEFAULTS, startRelay, type Relay } from '../core/relay.js';
import { readControlInfo, type ControlInfo } from '../control/control-client.js';
import { createLogger, type LogFormat } from '../log.js';
import { parseHostPort } from './listen-address.js';

export interface RunningProxy {
  relay: Relay;
  addons: Addon[];
  /** The control API of this proxy, when the control feature is on. */
  controlInfo: ControlInfo | undefined;
  logger: Logger;
  stop(): Promise<void>;
}

/** Options every `start` has, whatever features are built in. */
export function addCoreStartOptions(cmd: Command): Command {
  return cmd
    .option('--listen <host:port>', 'where stations connect', '0.0.0.0:9000')
    .option('--upstream <url>', 'CSMS base URL (ws:// or wss://); the station identity is appended')
    .option('--data <dir>', 'folder where the proxy keeps its state (store, spool, control.json)', './data')
    .addOption(new Option('--validate <mode>', 'schema validation: observe flags and forwards, enforce answers CALLERROR').choices(['observe', 'enforce', 'off']).default('observe'))
    .option('--max-frame <bytes>', 'largest frame relayed; larger ones get a CALLERROR', toInt, RELAY_DEFAULTS.maxFrame)
    .option('--default-protocol <name>', 'subprotocol offered upstream for a station that offers none', RELAY_DEFAULTS.defaultProtocol)
    .option('--ping-interval <s>', 'WebSocket ping interval on both legs; 0 disables', toInt, RELAY_DEFAULTS.pingInterval)
    .option('--connect-timeout <ms>', 'how long the CSMS may take to accept a connection', toInt, RELAY_DEFAULTS.connectTimeout)
    .addOption(new Option('--log-format <format>', 'log format (default: pretty on a TTY, json otherwise)').choices(['pretty', 'json']))
    .option('--log-level <level>', 'trace, debug, info, warn, error', 'info');
}

export function relayOptionsFrom(opts: StartOptions): RelayOptions {
  if (!opts.upstream || typeof opts.upstream !== 'string') throw new Error('--upstream <url> is required (the CSMS, e.g. ws://csms.example:9000/ocpp)');
  if (!/^wss?:\/\//.test(opts.upstream)) throw new Error(`--upstream must be a ws:// or wss:// URL, got "${opts.upstream}"`);
  return {
    listen: parseHostPort(String(opts.listen ?? '0.0.0.0:9000')),
    upstream: opts.upstream,
    dataDir: String(opts.data ?? './data'),
    validate: (opts.validate as RelayOptions['validate']) ?? 'observe',
    maxFrame: Number(opts.maxFrame ?? RELAY_DEFAULTS.maxFrame),
    defaultProtocol: String(opts.defaultProtocol ?? RELAY_DEFAULTS.defaultProtocol),
    pingInterval: Number(opts.pingInterval ?? RELAY_DEFAULTS.pingInterval),
    connectTimeout: Number(opts.connectTimeout ?? RELAY_DEFAULTS.connectTimeout),
  };
}

/** Start a proxy with every feature's addons; used by `start` and `demo`. */
export async function launchProxy(features: readonly Feature[], opts: StartOptions, logger?: Logger): Promise<RunningProxy> {
  const relayOptions = relayOptionsFrom(opts);
  await mkdir(relayOptions.dataDir, { recursive: true });
  // The live view owns the terminal: logs then go to a file in the data folder.
  const destination = opts.tui ? createWriteStream(join(relayOptions.dataDir, 'ocpp-mitm.log'), { flags: 'a' }) : undefined;
  const log =
    logger ??
    createLogger({
      format: (opts.logFormat as LogFormat | undefined) ?? (destination ? 'json' : undefined),
      level: opts.logLevel as string | undefined,
      destination,
    });
  const env: FeatureEnv = { logger: log, relay: relayOptions };
  const addons: Addon[] = [];
  let tls: Awaited<ReturnType<NonNullable<Feature['listenerTls']>>>;
  for (const f of features) {
    if (f.addons) addons.push(...(await f.addons(opts, env)));
    if (!tls && f.listenerTls) tls = await f.listenerTls(opts, env);
  }
  const relay = await startRelay({ ...relayOptions, addons, logger: log, tls });
  log.info(
    { listen: relay.url, upstream: relayOptions.upstream, validate: relayOptions.validate, addons: addons.map((a) => a.name) },
    `ocpp-mitm listening on ${relay.url}, relaying to ${relayOptions.upstream}`,
  );
  const controlInfo = await readControlInfo(relayOptions.dataDir);
  return { relay, addons, controlInfo, logger: log, stop: () => relay.close() };
}

export function registerStartCommand(program: Command, features: readonly Feature[], runTui?: (info: ControlInfo) => Promise<void>): void {
  const cmd = program.command('start').description('run the proxy: stations connect here, each is relayed to the CSMS');
  addCoreStartOptions(cmd);
  for (const f of features) f.startOptions?.(cmd);
  cmd.action(async (opts: StartOptions) => {
    const proxy = await launchProxy(features, opts);
    let stopping = false;
    const shutdown = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      proxy.logger.info(`${signal}: closing every session with 1001 and flushing what is recorded`);
      await proxy.stop();
      proxy.logger.flush?.();
      process.exit(0);
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
    if (opts.tui && runTui) {
      if (!proxy.controlInfo) throw new Error('--tui needs the control API, which is not running');
      await runTui(proxy.controlInfo);
      await shutdown('quit');
    }
  });
}

function toInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`"${value}" is not a whole number`);
  return n;
}
