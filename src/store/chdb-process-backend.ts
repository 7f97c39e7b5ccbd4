/**
 * The embedded store as the proxy uses it: chDB in a helper process (chdb-host.ts) at idle CPU priority.
 *
 * Why a process: ClickHouse parses every insert and merges parts in the background, about 100 µs of CPU per relayed
 * CALL at 2,000 CALL/s. In the proxy's own process those threads competed with the relay's thread for the cores, and
 * a lowered nice value does not stop a running thread from holding a core for its whole time slice when the relay
 * wakes up; SCHED_IDLE threads give the core up at once. The policy is set by starting the helper under `chrt --idle`
 * (util-linux), so that every thread inherits it, chDB's own pools included: set from inside, it would reach only the
 * threads started afterwards. chDB cannot run in a worker thread instead (chdb 3.4 crashes at exit once loaded in
 * one). And as a process, its crash is the helper's, not the relay's: calls fail as "unavailable", the writer spools,
 * and the next call starts a new helper.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError, type RowFormat, type StoreBackend } from './backend.js';
import { StoreLockedError } from './chdb-backend.js';
import type { HostError, HostReply, HostRequest } from './chdb-host-protocol.js';

/** `idle`: SCHED_IDLE, through `chrt --idle` (else as `low`); `low`: nice 19, through `nice`; `normal`: as the proxy. */
export type StorePriority = 'idle' | 'low' | 'normal';
export const STORE_PRIORITIES: readonly StorePriority[] = ['idle', 'low', 'normal'];

export interface ChdbProcessOptions {
  priority?: StorePriority;
  /** Called when a helper exits that was not asked to (it is restarted by the next call). */
  onExit?: (why: string) => void;
}

type HostRequestBody = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

const HOST = new URL(import.meta.url.endsWith('.ts') ? './chdb-host.ts' : './chdb-host.js', import.meta.url);

/** Rebuild an error of the helper's on this side, keeping what callers test for. */
function errorFrom(e: HostError, dir: string): Error {
  if (e.name === 'StoreLockedError') {
    const detail = /in use by another process( \(pid \d+\))?/.exec(e.message)?.[1] ?? '';
    return new StoreLockedError(dir, detail);
  }
  if (e.unavailable) return new BackendUnavailableError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

class Helper {
  readonly ready: Promise<number>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  exited: string | undefined;

  constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    onExit: (why: string, beforeReady: boolean) => void,
  ) {
    let readySettled = false;
    this.ready = new Promise<number>((resolve, reject) => {
      proc.on('message', (msg: HostReply) => {
        if (msg.type === 'ready') {
          readySettled = true;
          resolve(msg.pid);
        } else if (msg.type === 'fatal') {
          readySettled = true;
          reject(errorFrom(msg.error, dir));
        } else {
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          if (msg.error) p.reject(errorFrom(msg.error, dir));
          else p.resolve(msg.value);
        }
      });
      const gone = (why: string): void => {
        if (this.exited) return;
        this.exited = why;
        if (!readySettled) reject(new BackendUnavailableError(`chDB helper for ${dir} ${why} before it was ready`));
        for (const p of this.pending.values()) p.reject(new BackendUnavailableError(`chDB at ${dir} unavailable: its helper process ${why}`));
        this.pending.clear();
        onExit(why, !readySettled);
      };
      proc.on('exit', (code, signal) => gone(signal ? `was killed (${signal})` : `exited (code ${code})`));
      proc.on('error', (err) => gone(`could not start (${err.message})`));
    });
    // Nobody may be waiting yet; the rejection is seen by whoever awaits `ready`.
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  call<T>(body: HostRequestBody): Promise<T> {
    if (this.exited) return Promise.reject(new BackendUnavailableError(`chDB at ${this.dir} unavailable: its helper process ${this.exited}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ ...body, id } as HostRequest, (err) => {
        if (!err) return;
        this.pending.delete(id);
        reject(new BackendUnavailableError(`chDB at ${this.dir} unavailable: ${err.message}`));
      });
    });
  }

  /** Ask it to close chDB and exit; kill it if it does not. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    // A channel already gone is fine: the helper exits by itself when it closes.
    this.proc.send({ id: 0, op: 'close' } satisfies HostRequest, () => undefined);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

const CHRT_IDLE = ['chrt', '--idle', '0'];
const NICE_19 = ['nice', '-n', '19'];

/**
 * How the helper is started for a priority, best first: a wrapper every one of its threads inherits the priority
 * from. The next is tried when one is missing or refused; the last, no wrapper, has the helper lower its own nice
 * value, which reaches only the threads it starts afterwards.
 */
const WRAPPERS: Record<StorePriority, string[][]> = {
  idle: [CHRT_IDLE, NICE_19, []],
  low: [NICE_19, []],
  normal: [[]],
};

function launch(dir: string, priority: StorePriority, wrapper: string[]): ChildProcess {
  const host = fileURLToPath(HOST);
  // Run from the TypeScript sources (tests, tsx), the helper needs the same loader.
  const loader = host.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const node = [process.execPath, ...loader, host, dir];
  const env = { ...process.env, OCPP_MITM_CHDB_NICE: wrapper.length > 0 || priority === 'normal' ? '' : '19' };
  const [cmd, ...args] = [...wrapper, ...node];
  return spawn(cmd!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', env });
}

export class ChdbProcessBackend implements StoreBackend {
  readonly kind = 'chdb' as const;
  readonly where: string;
  private helper: Helper | undefined;
  private starting: Promise<Helper> | undefined;
  private closed = false;
  /** The wrappers left to try for the priority (chrt, nice, none); the first start finds the one that works here. */
  private readonly wrappers: string[][];

  constructor(
    private readonly dir: string,
    private readonly opts: ChdbProcessOptions = {},
  ) {
    this.where = `chDB at ${dir}`;
    this.wrappers = [...WRAPPERS[opts.priority ?? 'idle']];
  }

  /** The helper's process id (while one runs). */
  get helperPid(): number | undefined {
    return this.helper && !this.helper.exited ? this.helper.pid : undefined;
  }

  /** The running helper, or a new one (at open, and after one exited). */
  private use(): Promise<Helper> {
    if (this.closed) return Promise.reject(new BackendUnavailableError(`${this.where} is closed`));
    if (this.helper && !this.helper.exited) return Promise.resolve(this.helper);
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<Helper> {
    const priority = this.opts.priority ?? 'idle';
    for (;;) {
      const wrapper = this.wrappers[0]!;
      const helper = new Helper(launch(this.dir, priority, wrapper), this.dir, (why, beforeReady) => {
        if (!beforeReady && !this.closed) this.opts.onExit?.(why);
      });
      try {
        await helper.ready;
        this.helper = helper;
        return helper;
      } catch (err) {
        // No chrt or nice here, or not allowed to use it: the next way down.
        if (this.wrappers.length > 1 && err instanceof BackendUnavailableError) {
          this.wrappers.shift();
          continue;
        }
        throw err;
      }
    }
  }

  async open(): Promise<void> {
    await this.use();
  }

  async version(): Promise<string> {
    return (await this.use()).call<string>({ op: 'version' });
  }

  async exec(sql: string): Promise<void> {
    await (await this.use()).call({ op: 'exec', sql });
  }

  async insert(table: string, lines: Buffer, format: RowFormat, columns?: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await (await this.use()).call({ op: 'insert', table, values: lines, format, columns });
  }

  async query<T>(sql: string): Promise<T[]> {
    return (await this.use()).call<T[]>({ op: 'query', sql });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.helper?.stop();
  }
}

/** Start the helper on `dir` and wait until chDB is open there (throws StoreLockedError when another holds it). */
export async function openChdbProcess(dir: string, opts: ChdbProcessOptions = {}): Promise<ChdbProcessBackend> {
  const backend = new ChdbProcessBackend(dir, opts);
  await backend.open();
  return backend;
}
