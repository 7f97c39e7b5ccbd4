/**
 * `ocpp-mitm tui`: open the live view on a proxy that is already running (found through control.json), or on a
 * fleet of them (`--connect` repeated, or `--fleet FILE`), merged into one view.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { readControlInfo } from '../src/control/control-client.js';
import { chdbDir } from '../src/store/store-paths.js';
import type { RunTuiOptions } from './run-tui.js';

export interface TuiCommandOptions {
  connect?: string | string[];
  token?: string | string[];
  fleet?: string;
  data: string;
}

export interface NamedTarget {
  url: string;
  token: string;
  /** Shown beside each station of this proxy in a fleet view. */
  name?: string;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** host:port of a control URL: a proxy's default name in a fleet view. */
const nameOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/**
 * A fleet file: `proxies:` (or the document itself) a list of `{name?, url, token?, tokenEnv?}`; a token is given
 * as is or read from the environment variable `tokenEnv` names (so the file need hold no secret).
 */
export async function readFleetFile(file: string): Promise<NamedTarget[]> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`--fleet ${file}: ${(err as Error).message}`);
  }
  const items = Array.isArray(doc) ? doc : (doc as { proxies?: unknown } | null)?.proxies;
  if (!Array.isArray(items) || items.length === 0) throw new Error(`--fleet ${file}: expected a list of proxies ({name, url, token | tokenEnv}), under "proxies:" or as the document`);
  return items.map((item, i) => {
    const o = (item ?? {}) as Record<string, unknown>;
    const where = `--fleet ${file}, proxy ${i + 1}`;
    if (typeof o.url !== 'string' || !/^https?:\/\//.test(o.url)) throw new Error(`${where}: "url" must be the control API's http:// URL`);
    const token = typeof o.token === 'string' ? o.token : typeof o.tokenEnv === 'string' ? process.env[o.tokenEnv] : process.env.OCPP_MITM_CONTROL_TOKEN;
    if (!token) throw new Error(`${where}: no token ("token", or "tokenEnv" naming a set environment variable, or OCPP_MITM_CONTROL_TOKEN)`);
    return { url: o.url, token, name: typeof o.name === 'string' && o.name ? o.name : nameOf(o.url) };
  });
}

/** Every proxy to show: the fleet file's, or each --connect with its --token (one token may serve them all). */
export async function resolveControlTargets(opts: TuiCommandOptions): Promise<NamedTarget[]> {
  if (opts.fleet) return readFleetFile(opts.fleet);
  const urls = list(opts.connect);
  if (urls.length <= 1) return [await resolveControlTarget({ ...opts, connect: urls[0], token: list(opts.token)[0] })];
  const tokens = list(opts.token);
  if (tokens.length > 1 && tokens.length !== urls.length) throw new Error(`${urls.length} --connect need one --token each, or a single --token for all (got ${tokens.length})`);
  return urls.map((url, i) => {
    const t = resolveTokenFor(url, tokens.length > 1 ? tokens[i] : tokens[0]);
    return { ...t, name: nameOf(url) };
  });
}

function resolveTokenFor(url: string, token: string | undefined): { url: string; token: string } {
  const t = token ?? process.env.OCPP_MITM_CONTROL_TOKEN;
  if (!t) throw new Error('--connect needs --token (or OCPP_MITM_CONTROL_TOKEN): the control API refuses requests without it');
  if (!/^https?:\/\//.test(url)) throw new Error(`--connect takes the control API's http:// URL, got "${url}"`);
  return { url, token: t };
}

/** Where to connect: --connect/--token, else the proxy that holds --data. Throws a message for the user. */
export async function resolveControlTarget(opts: { connect?: string; token?: string; data: string }): Promise<{ url: string; token: string }> {
  if (opts.connect) return resolveTokenFor(opts.connect, opts.token);
  const info = await readControlInfo(opts.data);
  if (!info) {
    throw new Error(
      `no running proxy holds ${opts.data} (no control.json there, or its process is gone): ` +
        'start one with "ocpp-mitm start --data DIR", or pass --connect URL --token T',
    );
  }
  return { url: info.url, token: info.token };
}

/** `runTui` is given (not imported) so that Ink and React load only when the view opens. */
export function registerTuiCommand(program: Command, runTui: (opts: RunTuiOptions) => Promise<void>): void {
  program
    .command('tui')
    .description('live terminal view of a running proxy, or of a fleet merged: stations, traffic, detail, KPIs, rules')
    .option('--connect <url>', 'control API URL; repeat it for a fleet (default: read <data>/control.json)', collect)
    .option('--token <token>', 'control API token, one per --connect or one for all (or OCPP_MITM_CONTROL_TOKEN)', collect)
    .option('--fleet <file>', 'YAML list of proxies to merge: name, url, token or tokenEnv (see docs/fleet.md)')
    .option('--data <dir>', 'data folder of the running proxy; of a stopped one, browse what it recorded', './data')
    .action(async (opts: TuiCommandOptions) => {
      // No proxy runs on --data, but one recorded there: browse what it recorded.
      if (!opts.connect && !opts.fleet && !(await readControlInfo(opts.data)) && existsSync(chdbDir(opts.data))) {
        if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('the live view needs a terminal (stdin and stdout must be a TTY)');
        await runTui({ url: '', token: '', recording: opts.data });
        return;
      }
      const [first, ...more] = await resolveControlTargets(opts);
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('the live view needs a terminal (stdin and stdout must be a TTY)');
      // One proxy: no instance names in the view.
      await runTui(more.length === 0 ? { url: first!.url, token: first!.token } : { ...first!, more });
    });
}
