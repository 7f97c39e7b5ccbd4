/**
 * Test support: a private clickhouse-server per test file (scripts/clickhouse-server.sh, random ports), and small
 * helpers shared by the store tests.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/clickhouse-server.sh', import.meta.url));

export const SKIP_MESSAGE = 'skipped: clickhouse-server not installed; run scripts/clickhouse-server.sh install';

/** The server binary from OCPP_MITM_CLICKHOUSE_BIN or PATH, if any (OCPP_MITM_CLICKHOUSE_BIN=none: pretend there is none). */
export function clickhouseBin(): string | undefined {
  if (process.env.OCPP_MITM_CLICKHOUSE_BIN === 'none') return undefined;
  const candidates = [process.env.OCPP_MITM_CLICKHOUSE_BIN, ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'clickhouse-server')), '/usr/sbin/clickhouse-server'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export class TestClickhouse {
  private constructor(
    readonly dir: string,
    readonly httpPort: number,
    private readonly ports: number[],
    private readonly bin: string,
  ) {}

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  static async launch(): Promise<TestClickhouse | undefined> {
    const ch = await TestClickhouse.allocate();
    await ch?.start();
    return ch;
  }

  /** A folder and ports, not started yet (so a test can add files under etc/config.d first). */
  static async allocate(): Promise<TestClickhouse | undefined> {
    const bin = clickhouseBin();
    if (!bin) return undefined;
    const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-ch-'));
    const ports = [await freePort(), await freePort(), await freePort()];
    return new TestClickhouse(dir, ports[0]!, ports, bin);
  }

  /** The native protocol's port (what other nodes of a cluster connect to). */
  get tcpPort(): number {
    return this.ports[1]!;
  }

  /** The server process's id, while it runs. */
  pid(): number {
    return Number(readFileSync(join(this.dir, 'clickhouse.pid'), 'utf8').trim());
  }

  async start(): Promise<void> {
    await run('bash', [SCRIPT, 'start', this.dir, ...this.ports.map(String)], {
      env: { ...process.env, OCPP_MITM_CLICKHOUSE_BIN: this.bin },
    });
  }

  async stop(): Promise<void> {
    await run('bash', [SCRIPT, 'stop', this.dir]);
  }

  /** Run a statement over HTTP (independent of the code under test). */
  async query(sql: string, auth = 'default:'): Promise<string> {
    const res = await fetch(`${this.url}/?query=${encodeURIComponent(sql)}`, {
      headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim();
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

export async function tempDir(prefix = 'ocpp-mitm-store-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Poll until `check` returns true (or throw with `what` after `timeoutMs`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
