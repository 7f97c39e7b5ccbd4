/**
 * A private HAProxy for tests, running the shipped docker/haproxy.cfg with only what a test must change: loopback
 * addresses and free ports for the frontends and the proxies, no Docker DNS, a smaller maxconn, and (optionally)
 * a faster check interval. The balancing, checks and timeouts are the file's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { freePort } from '../store/clickhouse-support.js';

export const HAPROXY_BIN = '/usr/sbin/haproxy';

export function haproxyInstalled(): boolean {
  try {
    accessSync(HAPROXY_BIN, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface LocalHaproxyOptions {
  /** The shipped file to run (default haproxy.cfg). */
  file?: string;
  port: number;
  statsPort: number;
  /** The proxies' ports, in the file's server order. */
  backends: number[];
  checkInterval?: string;
  /** Appended to `default-server`, e.g. the client certificate a TLS check presents (as haproxy-tls.cfg says). */
  serverArgs?: string;
}

/** A shipped HAProxy file for loopback: free ports, no Docker DNS, and only what the options say changed. */
export function localHaproxyConfig(opts: LocalHaproxyOptions): string {
  let cfg = readFileSync(join(PACKAGE_ROOT, 'docker', opts.file ?? 'haproxy.cfg'), 'utf8');
  cfg = cfg.replace(/^resolvers docker\n(?:[ \t]+.*\n)+/m, '');
  cfg = cfg.replace(/ resolvers docker/g, '');
  cfg = cfg.replace(/^(\s*)bind :(?:9000|443)$/m, `$1bind 127.0.0.1:${opts.port}`);
  // The stats page (haproxy.cfg has one; a test of another file gets one too, to see the servers' state).
  if (/^\s*bind :8404$/m.test(cfg)) cfg = cfg.replace(/^(\s*)bind :8404$/m, `$1bind 127.0.0.1:${opts.statsPort}`);
  else cfg += `\nfrontend stats\n    mode http\n    bind 127.0.0.1:${opts.statsPort}\n    stats enable\n    stats uri /stats\n`;
  if (opts.serverArgs) cfg = cfg.replace(/^(\s*default-server .*)$/m, `$1 ${opts.serverArgs}`);
  cfg = cfg.replace(/^(\s*)maxconn \d+$/m, '$1maxconn 4000');
  cfg = cfg.replace(/^\s*log stdout.*\n/m, '');
  if (opts.checkInterval) cfg = cfg.replace(/ inter \S+/, ` inter ${opts.checkInterval}`);
  let i = 0;
  cfg = cfg.replace(/^(\s*server (ocpp-mitm-\d)) \S+$/gm, (_m, head: string) => `${head} 127.0.0.1:${opts.backends[i++]}`);
  if (i !== opts.backends.length) throw new Error(`docker/haproxy.cfg lists ${i} servers, the test has ${opts.backends.length} proxies`);
  return cfg;
}

export class TestHaproxy {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    readonly statsPort: number,
    private readonly output: () => string,
  ) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  static async launch(backends: number[], checkInterval?: string, more: Pick<LocalHaproxyOptions, 'file' | 'serverArgs'> = {}): Promise<TestHaproxy> {
    const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-haproxy-'));
    const port = await freePort();
    const statsPort = await freePort();
    const file = join(dir, 'haproxy.cfg');
    await writeFile(file, localHaproxyConfig({ port, statsPort, backends, checkInterval, ...more }));
    const proc = spawn(HAPROXY_BIN, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const h = new TestHaproxy(proc, dir, port, statsPort, () => out);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (proc.exitCode !== null) throw new Error(`haproxy exited (${proc.exitCode}):\n${out}`);
      if (Date.now() > deadline) throw new Error(`haproxy did not listen on ${port}:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return h;
  }

  /** HAProxy's view of each proxy: UP, DOWN, ... (from its stats CSV). */
  async serverStatus(): Promise<Record<string, string>> {
    const res = await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`);
    const rows = (await res.text()).split('\n').map((l) => l.split(','));
    const out: Record<string, string> = {};
    for (const r of rows) if (r[0]?.startsWith('ocpp_mitm') && r[1]?.startsWith('ocpp-mitm-')) out[r[1]] = r[17] ?? '';
    return out;
  }

  log(): string {
    return this.output();
  }

  async destroy(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGKILL');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
