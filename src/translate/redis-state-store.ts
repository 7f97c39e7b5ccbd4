/**
 * Translation state shared by a fleet of proxies, in Redis (`--state redis://…`): a station that reconnects to
 * another instance continues its transactions with the same ids.
 *
 * Ownership is an epoch (a fencing token): each claim increments the station's epoch in Redis and reads its state,
 * atomically (a Lua script). A write succeeds only while the stored epoch is still the writer's own; a stale owner
 * (its station reconnected elsewhere) loses its next write and is told (`onLost`), so two instances never both
 * translate one station with diverging state. No lease timeout is needed: the newest claim always wins, and a
 * crashed owner simply never writes again.
 *
 * ioredis (not the official `redis` client): it is the client the project already ships, it has Lua scripts as
 * named commands (defineCommand, EVALSHA with fallback), reconnects on its own, and can fail commands at once while
 * disconnected (enableOfflineQueue false) — which is what "refuse the station now, let the balancer retry" needs.
 * Writes that fail while Redis is away stay dirty in memory and are retried every second.
 */
import { Redis } from 'ioredis';
import type { StationStateStore } from './state-store.js';
import { emptyState, type StationState } from './station-state.js';

const CLAIM = `
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
return {epoch, redis.call('HGET', KEYS[1], 'state')}`;

const SAVE = `
if tonumber(redis.call('HGET', KEYS[1], 'epoch')) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
return 1`;

const RETRY_MS = 1000;
/** A command unanswered this long counts as Redis unavailable (the handshake is waiting). */
const COMMAND_TIMEOUT_MS = 2000;
/** At shutdown, how long unwritten states are retried before they are given up (and logged). */
const FLUSH_GIVE_UP_MS = 5000;

type ClaimFn = (key: string, owner: string) => Promise<[number, string | null]>;
type SaveFn = (key: string, epoch: number, state: string) => Promise<number>;

interface Held {
  state: StationState;
  epoch: number;
  /** Sessions of the station open here. */
  holders: number;
}

export interface RedisStateStoreOptions {
  url: string;
  /** Who claims (written to the key for operators): host and pid by default. */
  owner: string;
  /** Key prefix; a station's key is `${prefix}${identity}`. */
  prefix?: string;
  onError(text: string): void;
  /** Back in touch after errors. */
  onRecover?(text: string): void;
  /** Another instance claimed this station: its sessions here must stop translating. */
  onLost(identity: string): void;
}

/** redis://host:port/db, without user or password: safe for logs and errors. */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'Redis (unparsable URL)';
  }
}

export class RedisStateStore implements StationStateStore {
  private readonly redis: Redis;
  private readonly held = new Map<string, Held>();
  private readonly dirty = new Set<string>();
  private readonly prefix: string;
  readonly where: string;
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(private readonly o: RedisStateStoreOptions) {
    if (!/^rediss?:\/\//.test(o.url)) throw new Error(`--state must be a redis:// or rediss:// URL, got "${describeRedis(o.url)}"`);
    this.where = describeRedis(o.url);
    this.prefix = o.prefix ?? 'ocpp-mitm:translation:';
    this.redis = new Redis(o.url, {
      enableOfflineQueue: false, // fail at once while disconnected: the handshake is refused, not held
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * times, 1000),
      lazyConnect: false,
    });
    this.redis.defineCommand('claimState', { numberOfKeys: 1, lua: CLAIM });
    this.redis.defineCommand('saveState', { numberOfKeys: 1, lua: SAVE });
    // ioredis emits every failed reconnect: the store reports outages itself, once each.
    this.redis.on('error', () => {});
  }

  /** Resolves once connected, or rejects naming Redis (used at start, to say early when it is not there). */
  async open(timeoutMs = 3000): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.redis.off('ready', ok);
        reject(new Error(`translation state: ${this.where} not reachable within ${timeoutMs} ms`));
      }, timeoutMs);
      const ok = (): void => {
        clearTimeout(t);
        resolve();
      };
      this.redis.once('ready', ok);
    });
  }

  private key(identity: string): string {
    return this.prefix + identity;
  }

  async claim(identity: string): Promise<void> {
    let epoch: number;
    let json: string | null;
    try {
      // A change of an earlier session here that Redis missed (it was away) goes first, under its old epoch:
      // it lands unless another instance claimed the station meanwhile.
      if (this.dirty.has(identity)) {
        this.dirty.delete(identity);
        await this.writeOne(identity).catch((err: unknown) => {
          this.dirty.add(identity);
          throw err;
        });
      }
      [epoch, json] = await (this.redis as unknown as { claimState: ClaimFn }).claimState(this.key(identity), this.o.owner);
    } catch (err) {
      throw new Error(`translation state of ${identity} unreadable: ${this.where} unavailable (${(err as Error).message})`);
    }
    const mine = this.held.get(identity);
    if (mine && mine.holders > 0) {
      // Another session of the station is open here, translating with this very object: keep it, own it again.
      mine.epoch = Number(epoch);
      this.changed(identity);
      return;
    }
    let state = emptyState();
    if (json) {
      try {
        const read = JSON.parse(json) as StationState;
        if (read?.v === 1) state = { ...state, ...read };
      } catch (err) {
        this.o.onError(`translation state of ${identity} in ${this.where} is not JSON (${(err as Error).message}): starting afresh`);
      }
    }
    this.held.set(identity, { state, epoch: Number(epoch), holders: 0 });
  }

  /** Once per session, when it opens (after `claim` at its handshake); `release` when it closes. */
  get(identity: string): StationState {
    let h = this.held.get(identity);
    // Not claimed (should not happen: claim runs at the handshake): memory only, its writes will be fenced off.
    if (!h) this.held.set(identity, (h = { state: emptyState(), epoch: 0, holders: 0 }));
    h.holders++;
    return h.state;
  }

  /**
   * Every change is written at the end of this event-loop turn, even those the file store lets wait (seqNo of a
   * MeterValues): the station may reconnect to another instance any moment, and that one must read the latest.
   * Coalesced per station and turn; one EVALSHA each, off the relay path.
   */
  changed(identity: string): void {
    if (!this.held.has(identity)) return;
    this.dirty.add(identity);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.schedule();
    });
  }

  release(identity: string): void {
    const h = this.held.get(identity);
    if (!h) return;
    h.holders = Math.max(0, h.holders - 1);
    // Forget it once written: the next session (here or elsewhere) reads it from Redis.
    if (h.holders === 0 && !this.dirty.has(identity)) this.held.delete(identity);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeDirty());
  }

  /** Write one station's state under its epoch: 'ok', 'lost' (fenced off), or throws when Redis is away. */
  private async writeOne(id: string): Promise<'ok' | 'lost' | 'gone'> {
    const h = this.held.get(id);
    if (!h) return 'gone';
    const save = (this.redis as unknown as { saveState: SaveFn }).saveState;
    const ok = await save.call(this.redis, this.key(id), h.epoch, JSON.stringify(h.state));
    if (Number(ok) === 1) {
      if (h.holders === 0 && !this.dirty.has(id)) this.held.delete(id);
      return 'ok';
    }
    // Fenced off: another instance claimed the station since. Its copy wins; ours is dropped.
    if (this.held.get(id) === h) this.held.delete(id);
    if (h.holders > 0) this.o.onLost(id);
    return 'lost';
  }

  private async writeDirty(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    const failed: string[] = [];
    let cause = '';
    await Promise.all(
      ids.map((id) =>
        this.writeOne(id).catch((err: Error) => {
          failed.push(id);
          cause = err.message;
        }),
      ),
    );
    if (failed.length > 0) {
      for (const id of failed) this.dirty.add(id);
      if (!this.failing) this.o.onError(`translation state: ${this.where} unavailable (${cause}): ${failed.length} stations' states kept in memory, writes retried every ${RETRY_MS / 1000} s`);
      this.failing = true;
      this.timer ??= setTimeout(() => this.schedule(), RETRY_MS).unref();
    } else if (this.failing) {
      this.failing = false;
      this.o.onRecover?.(`translation state: ${this.where} is back, states written`);
    }
  }

  /** Stations whose latest state is not in Redis yet. */
  get unwritten(): number {
    return this.dirty.size;
  }

  async flush(): Promise<void> {
    const deadline = Date.now() + FLUSH_GIVE_UP_MS;
    for (;;) {
      if (this.dirty.size > 0) this.schedule();
      await this.writing;
      if (this.dirty.size === 0) return;
      if (Date.now() > deadline) {
        this.o.onError(`translation state: ${this.where} unavailable at shutdown: the latest state of ${this.dirty.size} stations was not written`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.redis.disconnect();
  }
}
