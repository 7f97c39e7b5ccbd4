/**
 * Per-session state of the addons, each slot typed by its key: an addon declares
 * `const PENDING = new StateKey<Map<string, Pending>>('translate.pending')` once, then `session.state.set(PENDING, m)`
 * and `session.state.get(PENDING)` need no cast. The slots go with the session.
 */
export class StateKey<T> {
  /** Carries T for the compiler only. */
  declare readonly type: T;
  constructor(readonly name: string) {}
}

export class SessionState {
  private readonly slots = new Map<StateKey<unknown>, unknown>();

  get<T>(key: StateKey<T>): T | undefined {
    return this.slots.get(key) as T | undefined;
  }

  set<T>(key: StateKey<T>, value: T): void {
    this.slots.set(key, value);
  }

  has(key: StateKey<unknown>): boolean {
    return this.slots.has(key);
  }

  delete(key: StateKey<unknown>): boolean {
    return this.slots.delete(key);
  }
}
