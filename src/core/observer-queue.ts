/**
 * Delivers events to observers off the relay path: events queue up while frames are relayed and are handed
 * out in a setImmediate batch, after the poll phase that relayed them. Bounded: past `limit` events it sheds
 * and counts, rather than grow without end when observers cannot keep up.
 */
export class ObserverQueue<T> {
  private queue: T[] = [];
  private scheduled = false;
  shed = 0;

  constructor(
    private readonly deliver: (batch: T[]) => void,
    private readonly limit = 500_000,
  ) {}

  push(event: T): void {
    if (this.queue.length >= this.limit) {
      this.shed++;
      return;
    }
    this.queue.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      this.deliver(batch);
    }
  };
}
