/**
 * A private redis-server per test (Debian's redis-server, loopback, a free port, a temp folder), with an
 * append-only file fsynced on every write so a kill -9 loses nothing: the outage tests restart it and expect
 * the stations' state back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../store/clickhouse-support.js';

export const REDIS_SKIP = 'redis-server not installed (apt-get install redis-server)';

export function redisBin(): string | undefined {
  for (const c of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export class TestRedis {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async launch(): Promise<TestRedis | undefined> {
    const bin = redisBin();
    if (!bin) return undefined;
    const r = new TestRedis(await mkdtemp(join(tmpdir(), 'ocpp-mitm-redis-')), await freePort(), bin);
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'no'];
    this.proc = spawn(this.bin, args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      if (this.proc.exitCode !== null) throw new Error(`redis-server exited (${this.proc.exitCode})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** kill -9: no goodbye to clients. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A RESP PING over a plain socket: independent of the client under test. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
