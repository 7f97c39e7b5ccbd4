/**
 * `ocpp-mitm start`: assemble every feature's addons in pipeline order, start the relay, and shut down
 * cleanly: SIGTERM drains first when an addon offers it (see src/fleet), SIGINT or a second SIGTERM closes both legs of
 * every session with 1001 at once; either way what is recorded is flushed and the exit code is 0.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import type { Addon, RelayOptions } from '../core/addon.js';
import type { ControlEndpoint, Feature, FeatureEnv, LaunchedProxy, StartOptions } from '../core/feature.js';
import { RELAY_DEFAULTS, startRelay, type Relay } from '../core/relay.js';
import { createLogger, type LogFormat } from '../log.js';
import { lockDataDir } from './data-lock.js';
import { parseHostPort, wholeNumber } from '../core/parse-options.js';

export interface RunningProxy extends LaunchedProxy {
  relay: Relay;
  addons: Addon[];
  logger: Logger;
}

/** Options every `start` has, whatever features are built in. */
export function addCoreStartOptions(cmd: Command): Command {
  return cmd
    .option('--listen <host:port>', 'where stations connect', '0.0.0.0:9000')
    .option('--upstream <url>', '(required) CSMS base URL (ws:// or wss://); the station identity is appended')
    .option('--data <dir>', 'folder where the proxy keeps its state (store, spool, control.json)', './data')
    .option('--max-frame <bytes>', 'largest frame relayed; larger ones get a CALLERROR', wholeNumber, RELAY_DEFAULTS.maxFrame)
    .option('--max-depth <levels>', 'deepest nesting of arrays/objects in a frame; deeper ones are malformed (CALLERROR in enforce, flagged in observe)', wholeNumber, RELAY_DEFAULTS.maxDepth)
    .option('--default-protocol <name>', 'subprotocol offered upstream for a station that offers none', RELAY_DEFAULTS.defaultProtocol)
    .option('--ping-interval <s>', 'WebSocket ping interval on both legs; 0 disables', wholeNumber, RELAY_DEFAULTS.pingInterval)
    .option('--connect-timeout <ms>', 'how long the CSMS may take to accept a connection', wholeNumber, RELAY_DEFAULTS.connectTimeout)
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
    malformed: RELAY_DEFAULTS.malformed,
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
  for (const f of features) Object.assign(relayOptions, f.relayOptions?.(opts));
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
    { listen: listening, upstream: relayOptions.upstream, malformed: relayOptions.malformed, addons: addons.map((a) => a.name) },
    `ocpp-mitm listening on ${listening}, relaying to ${relayOptions.upstream}`,
  );
  const control = addons.map((a) => a.controlEndpoint?.()).find((e) => e !== undefined);
  const stop = async (): Promise<void> => {
    await relay.close();
    unlock();
  };
  return { relay, url: relay.url, addons, control, logger: log, stop };
}

export function registerStartCommand(program: Command, features: readonly Feature[], runTui?: (control: ControlEndpoint) => Promise<void>): void {
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
    let draining: AbortController | undefined;
    const shutdown = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      draining?.abort();
      proxy.logger.info(`${signal}: closing every session with 1001 and flushing what is recorded`);
      await proxy.stop();
      proxy.logger.flush?.();
      process.exit(0);
    };
    // SIGTERM drains when an addon knows how (health, spread closes); a second SIGTERM, or SIGINT, stops at once.
    const drain = async (): Promise<void> => {
      const drainers = proxy.addons.filter((a) => a.drain);
      if (draining || drainers.length === 0) return shutdown('SIGTERM');
      const ac = (draining = new AbortController());
      proxy.logger.info('SIGTERM: draining (a second SIGTERM or SIGINT stops at once)');
      await Promise.all(
        drainers.map((a) => a.drain!(ac.signal).catch((err: Error) => proxy.logger.error({ err }, `${a.name}: drain failed: ${err.message}`))),
      );
      await shutdown('drained');
    };
    process.on('SIGTERM', () => void drain());
    process.on('SIGINT', () => void shutdown('SIGINT'));
    if (opts.tui && runTui) {
      if (!proxy.control) throw new Error('--tui needs the control API, which is not running');
      await runTui(proxy.control);
      await shutdown('quit');
    }
  });
}

/** Where stations connect, as bound: a wildcard address is said to be every interface, not loopback. */
export function listenText(host: string, port: number, scheme: 'ws' | 'wss'): string {
  if (host === '0.0.0.0' || host === '::') return `${scheme}://${host === '::' ? '[::]' : host}:${port} (every interface)`;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
