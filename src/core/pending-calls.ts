/**
 * The CALLs one direction of a session has written and not yet seen answered, oldest first, bounded. Usually one
 * at a time (OCPP allows one), so they live in a FewMap rather than a Map that would churn its table.
 */
import { FewMap } from './few-map.js';
import type { PendingCall } from './types.js';

/** What addons may read of a direction's pending CALLs. */
export interface PendingView {
  readonly size: number;
  has(id: string): boolean;
  get(id: string): PendingCall | undefined;
}

export class PendingCalls implements PendingView {
  private readonly calls = new FewMap<PendingCall>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.calls.size;
  }

  has(id: string): boolean {
    return this.calls.has(id);
  }

  get(id: string): PendingCall | undefined {
    return this.calls.get(id);
  }

  /** Remember a CALL unless one with its id already waits (a duplicate is timed from its first copy). */
  add(call: PendingCall): void {
    if (this.calls.has(call.id)) return;
    if (this.calls.size >= this.limit) this.calls.delete(this.calls.oldestKey()!);
    this.calls.set(call.id, call);
  }

  /** The pending CALL with this id, forgotten once taken. */
  take(id: string): PendingCall | undefined {
    const call = this.calls.get(id);
    if (call) this.calls.delete(id);
    return call;
  }
}
