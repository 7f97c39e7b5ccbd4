/**
 * Runs the addons' hooks in order, each isolated: an addon that throws is logged (once a minute per addon
 * and hook, so a broken addon cannot flood the log) and the frame goes on as if that addon had not been there.
 */
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Addon, RelayEvent, Session } from './addon.js';
import type { RelayMessage } from './relay-message.js';

type SyncHook = 'sessionOpen' | 'message' | 'beforeSend' | 'sessionClose';

export class AddonRunner {
  private readonly lastLogged = new Map<string, number>();
  private readonly observers: Addon[];
  private readonly recorders: Addon[];
  private readonly byHook: Record<SyncHook, Addon[]>;
  errors = 0;

  constructor(
    readonly addons: readonly Addon[],
    private readonly logger: Logger,
    private readonly notice: (event: RelayEvent) => void,
  ) {
    this.observers = addons.filter((a) => a.observe);
    this.recorders = addons.filter((a) => a.record || a.commitTurn);
    this.byHook = {
      sessionOpen: addons.filter((a) => a.sessionOpen),
      message: addons.filter((a) => a.message),
      beforeSend: addons.filter((a) => a.beforeSend),
      sessionClose: addons.filter((a) => a.sessionClose),
    };
  }

  get hasObservers(): boolean {
    return this.observers.length > 0;
  }

  get hasRecorders(): boolean {
    return this.recorders.length > 0;
  }

  /** Run a session hook (`sessionOpen`, `sessionClose`) on every addon that has it. Frames go through runFrameHook. */
  run<H extends 'sessionOpen' | 'sessionClose'>(hook: H, args: Parameters<NonNullable<Addon[H]>>): void {
    for (const addon of this.byHook[hook]) {
      try {
        (addon[hook] as (...a: unknown[]) => void).apply(addon, args);
      } catch (err) {
        this.failed(addon, hook, err);
      }
    }
  }

  /**
   * Run an interceptor (`message` or `beforeSend`) on a frame, stopping once one drops it. Called twice for
   * every frame, so it takes its arguments as they are rather than in an array and a closure.
   */
  runFrameHook(hook: 'message' | 'beforeSend', msg: RelayMessage, session: Session): void {
    for (const addon of this.byHook[hook]) {
      try {
        addon[hook]!(msg, session);
      } catch (err) {
        this.failed(addon, hook, err);
      }
      if (msg.dropped) return;
    }
  }

  /** Offer a plain HTTP request or a raw upgrade to each addon in order; true once one took it. */
  claim<H extends 'httpRequest' | 'upgrade'>(hook: H, args: Parameters<NonNullable<Addon[H]>>): boolean {
    for (const addon of this.addons) {
      const fn = addon[hook] as ((...a: unknown[]) => boolean) | undefined;
      if (!fn) continue;
      try {
        if (fn.apply(addon, args)) return true;
      } catch (err) {
        this.failed(addon, hook, err);
      }
    }
    return false;
  }

  /** Hand the listener's TLS key-log lines to every addon that asked for them. */
  keylog(line: Buffer, socket: TLSSocket): void {
    for (const addon of this.addons) {
      if (!addon.tlsKeylog) continue;
      try {
        addon.tlsKeylog(line, socket);
      } catch (err) {
        this.failed(addon, 'tlsKeylog', err);
      }
    }
  }

  async runAsync(hook: 'connecting' | 'start', arg: unknown, stop?: () => boolean): Promise<void> {
    for (const addon of this.addons) {
      const fn = addon[hook] as ((a: unknown) => unknown) | undefined;
      if (!fn) continue;
      if (hook === 'start') {
        await fn.call(addon, arg); // a failing start is fatal: the caller reports it
        continue;
      }
      try {
        await fn.call(addon, arg);
      } catch (err) {
        this.failed(addon, hook, err);
      }
      if (stop?.()) return;
    }
  }

  async stopAll(): Promise<void> {
    for (const addon of [...this.addons].reverse()) {
      try {
        await addon.stop?.();
      } catch (err) {
        this.failed(addon, 'stop', err);
      }
    }
  }

  observe(batch: RelayEvent[]): void {
    for (const addon of this.observers) {
      for (const event of batch) {
        try {
          addon.observe!(event);
        } catch (err) {
          this.failed(addon, 'observe', err);
        }
      }
    }
  }

  record(event: RelayEvent): void {
    for (const addon of this.recorders) {
      if (!addon.record) continue;
      try {
        addon.record(event);
      } catch (err) {
        this.failed(addon, 'record', err);
      }
    }
  }

  commitTurn(): void {
    for (const addon of this.recorders) {
      try {
        addon.commitTurn?.();
      } catch (err) {
        this.failed(addon, 'commitTurn', err);
      }
    }
  }

  private failed(addon: Addon, hook: string, err: unknown): void {
    this.errors++;
    const key = `${addon.name}.${hook}`;
    const now = Date.now();
    if ((this.lastLogged.get(key) ?? 0) + 60_000 > now) return;
    this.lastLogged.set(key, now);
    const text = `addon ${addon.name} failed in ${hook}: ${(err as Error)?.message ?? String(err)} (isolated; the relay goes on)`;
    this.logger.error({ addon: addon.name, hook, err }, text);
    if (hook !== 'observe') this.notice({ type: 'notice', level: 'error', source: addon.name, text });
  }
}
