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
import { lockDataDir } from './data-lock.js';
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
    .option('--upstream <url>', '(required) CSMS base URL (ws:// or wss://); the station identity is appended')
    .option('--data <dir>', 'folder where the proxy keeps its state (store, spool, control.json)', './data')
    .addOption(new Option('--validate <mode>', 'schema validation: observe flags and forwards, enforce answers CALLERROR').choices(['observe', 'enforce', 'off']).default('observe'))
    .option('--max-frame <bytes>', 'largest frame relayed; larger ones get a CALLERROR', toInt, RELAY_DEFAULTS.maxFrame)
    .option('--max-depth <levels>', 'deepest nesting of arrays/objects in a frame; deeper ones are malformed (CALLERROR in enforce, flagged in observe)', toInt, RELAY_DEFAULTS.maxDepth)
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
    maxDepth: Number(opts.maxDepth ?? RELAY_DEFAULTS.maxDepth),
    defaultProtocol: String(opts.defaultProtocol ?? RELAY_DEFAULTS.defaultProtocol),
    pingInterval: Number(opts.pingInterval ?? RELAY_DEFAULTS.pingInterval),
    connectTimeout: Number(opts.connectTimeout ?? RELAY_DEFAULTS.connectTimeout),
  };
}

/** Start a proxy with every feature's addons; used by `start` and `demo`. */
export async function launchProxy(features: readonly Feature[], opts: StartOptions, logger?: Logger): Promise<RunningProxy> {
  const relayOptions = relayOptionsFrom(opts);
  await mkdir(relayOptions.dataDir, { recursive: true });
  const unlock = lockDataDir(relayOptions.dataDir);
  try {
    return await launchLocked(features, opts, relayOptions, unlock, logger);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function launchLocked(features: readonly Feature[], opts: StartOptions, relayOptions: RelayOptions, unlock: () => void, logger?: Logger): Promise<RunningProxy> {
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
  const listening = listenText(relayOptions.listen.host, relay.port, relay.url.startsWith('wss') ? 'wss' : 'ws');
  log.info(
    { listen: listening, upstream: relayOptions.upstream, validate: relayOptions.validate, addons: addons.map((a) => a.name) },
    `ocpp-mitm listening on ${listening}, relaying to ${relayOptions.upstream}`,
  );
  const controlInfo = await readControlInfo(relayOptions.dataDir);
  const stop = async (): Promise<void> => {
    await relay.close();
    unlock();
  };
  return { relay, addons, controlInfo, logger: log, stop };
}

export function registerStartCommand(program: Command, features: readonly Feature[], runTui?: (info: ControlInfo) => Promise<void>): void {
  const cmd = program.command('start').description('run the proxy: stations connect here, each is relayed to the CSMS');
  addCoreStartOptions(cmd);
  for (const f of features) f.startOptions?.(cmd);
  cmd.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  ocpp-mitm start --upstream ws://csms.example:9000/ocpp',
      '      stations connect to ws://<this host>:9000/ocpp/<identity>',
      '  ocpp-mitm start --listen 127.0.0.1:9021 --upstream wss://csms.example/ocpp --validate enforce --tui',
      '  ocpp-mitm start --upstream ws://localhost:8180/steve/websocket/CentralSystemService --rules ./rules',
    ].join('\n'),
  );
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

/** Where stations connect, as bound: a wildcard address is said to be every interface, not loopback. */
export function listenText(host: string, port: number, scheme: 'ws' | 'wss'): string {
  if (host === '0.0.0.0' || host === '::') return `${scheme}://${host === '::' ? '[::]' : host}:${port} (every interface)`;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function toInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`"${value}" is not a whole number`);
  return n;
}
