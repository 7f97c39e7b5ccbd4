/**
 * The CALLs one direction of a session has written and not yet seen answered, oldest first, bounded.
 *
 * OCPP lets a peer leave one CALL unanswered at a time, so the common case is one entry coming and going twice a
 * second per station. A Map that churns like that reallocates its hash table every few cycles, and on a proxy
 * with thousands of sessions those tables outlive young-generation collections and make each one copy them:
 * measured, they were the largest share of what every scavenge had to copy. So the one entry sits in a field,
 * and a Map exists only while more than one CALL waits.
 */
import type { PendingCall } from './types.js';

/** What addons may read of a direction's pending CALLs. */
export interface PendingView {
  readonly size: number;
  has(id: string): boolean;
  get(id: string): PendingCall | undefined;
}

export class PendingCalls implements PendingView {
  /** The oldest pending CALL: filled only while `more` is empty, so it is always older than anything in `more`. */
  private first: PendingCall | undefined;
  private more: Map<string, PendingCall> | undefined;

  constructor(private readonly limit: number) {}

  get size(): number {
    return (this.first ? 1 : 0) + (this.more?.size ?? 0);
  }

  has(id: string): boolean {
    return this.first?.id === id || (this.more?.has(id) ?? false);
  }

  get(id: string): PendingCall | undefined {
    return this.first?.id === id ? this.first : this.more?.get(id);
  }

  /** Remember a CALL unless one with its id already waits (a duplicate is timed from its first copy). */
  add(call: PendingCall): void {
    if (this.has(call.id)) return;
    if (this.size >= this.limit) this.evictOldest();
    if (!this.first && !this.more) {
      this.first = call;
      return;
    }
    (this.more ??= new Map()).set(call.id, call);
  }

  /** The pending CALL with this id, forgotten once taken. */
  take(id: string): PendingCall | undefined {
    if (this.first?.id === id) {
      const call = this.first;
      this.first = undefined;
      if (this.more?.size === 0) this.more = undefined;
      return call;
    }
    const call = this.more?.get(id);
    if (call) {
      this.more!.delete(id);
      if (this.more!.size === 0 && !this.first) this.more = undefined;
    }
    return call;
  }

  private evictOldest(): void {
    if (this.first) {
      this.take(this.first.id);
      return;
    }
    const oldest = this.more?.keys().next().value;
    if (oldest !== undefined) this.take(oldest);
  }
}
