/**
 * Delivers events to observers off the relay path: events queue up while frames are relayed and are handed
 * out in setImmediate turns, after the poll phase that relayed them. Each turn stops once it has spent its time
 * budget, and the rest waits for the next turn, after the poll phase has relayed what arrived meanwhile: so the
 * observers (store rows, KPIs, the live stream) can hold a frame back by at most about one budget, however much
 * they have to do. Bounded: past `limit` waiting events it sheds and counts, rather than grow without end when
 * observers cannot keep up.
 */
/** Events per delivery: small enough that one slice (about 30 µs an event with every feature on) stays within the budget. */
const SLICE = 8;

export class ObserverQueue<T> {
  private queue: T[] = [];
  /** The batch being handed out, and how far. */
  private draining: T[] = [];
  private at = 0;
  private scheduled = false;
  shed = 0;

  constructor(
    private readonly deliver: (batch: T[]) => void,
    private readonly limit = 500_000,
    /** Longest a turn hands out events before it lets the relay read again (ms). */
    private readonly budgetMs = 0.25,
  ) {}

  get waiting(): number {
    return this.queue.length + this.draining.length - this.at;
  }

  push(event: T): void {
    if (this.waiting >= this.limit) {
      this.shed++;
      return;
    }
    this.queue.push(event);
    this.schedule();
  }

  /** Hand out every waiting event now, budget or not (at shutdown). */
  flush(): void {
    while (this.deliverSlice());
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    this.scheduled = false;
    const until = performance.now() + this.budgetMs;
    while (this.deliverSlice()) {
      if (performance.now() >= until) {
        this.schedule();
        return;
      }
    }
  };

  /** Deliver up to SLICE events; false when nothing was waiting. */
  private deliverSlice(): boolean {
    if (this.at >= this.draining.length) {
      if (this.queue.length === 0) {
        this.draining = [];
        this.at = 0;
        return false;
      }
      this.draining = this.queue;
      this.queue = [];
      this.at = 0;
    }
    const end = Math.min(this.at + SLICE, this.draining.length);
    const slice = this.draining.slice(this.at, end);
    this.at = end;
    this.deliver(slice);
    return true;
  }
}
