/**
 * The newest JSON texts, kept off the V8 heap: one fixed Buffer written round and round, with each entry's place
 * in two typed arrays. The control API keeps the last events for clients that ask for a backlog; held as objects
 * (or strings), thousands of events a second each lived about half a second, long enough to be promoted, and
 * filled the old generation until a mark-compact stalled the relay every second or two. Here they cost the heap
 * nothing: an entry is bytes until someone asks for it.
 */
export class JsonLineRing {
  private readonly buf: Buffer;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  /** Slot of the oldest entry, and how many are kept. */
  private first = 0;
  private count = 0;
  private writeAt = 0;

  constructor(
    readonly maxEntries: number,
    capacityBytes = Math.max(1024 * 1024, maxEntries * 2048),
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.buf = Buffer.allocUnsafeSlow(capacityBytes);
    this.starts = new Int32Array(maxEntries);
    this.lengths = new Int32Array(maxEntries);
  }

  get length(): number {
    return this.count;
  }

  /** Keep `text`, forgetting the oldest entries it needs room for. A text larger than a quarter of the ring is not kept. */
  push(text: string): void {
    // Most texts are short: when even three bytes a character fit before the end, write first and count after (one
    // pass over the text instead of two); the write is then in place where the entry goes.
    if (text.length * 3 <= this.buf.length / 4 && this.writeAt + text.length * 3 <= this.buf.length) {
      this.pushFitting(text);
      return;
    }
    const size = Buffer.byteLength(text);
    if (size > this.buf.length / 4) return;
    // Entries lie in write order around the ring: the oldest ones are those just past the write position.
    if (this.writeAt + size > this.buf.length) {
      // Wrapping leaves the tail unused: the entries still there (the oldest) go with it.
      while (this.count > 0 && this.starts[this.first]! >= this.writeAt) this.dropOldest();
      this.writeAt = 0;
    }
    while (this.count > 0 && (this.count === this.maxEntries || this.overlapsOldest(this.writeAt, size))) this.dropOldest();
    const slot = (this.first + this.count) % this.maxEntries;
    this.buf.write(text, this.writeAt, 'utf8');
    this.starts[slot] = this.writeAt;
    this.lengths[slot] = size;
    this.count++;
    this.writeAt += size;
  }

  /** `text` fits before the end of the buffer: write it at `writeAt`, then drop the oldest entries it overwrote. */
  private pushFitting(text: string): void {
    const at = this.writeAt;
    // The bytes written may reach into the oldest entries; those are dropped before anyone reads them (below).
    const size = this.buf.write(text, at, 'utf8');
    while (this.count > 0 && (this.count === this.maxEntries || this.overlapsOldest(at, size))) this.dropOldest();
    const slot = (this.first + this.count) % this.maxEntries;
    this.starts[slot] = at;
    this.lengths[slot] = size;
    this.count++;
    this.writeAt = at + size;
  }

  /** The newest `n` texts, oldest first. */
  last(n: number): string[] {
    const out: string[] = [];
    for (let i = Math.max(0, this.count - n); i < this.count; i++) {
      const slot = (this.first + i) % this.maxEntries;
      out.push(this.buf.toString('utf8', this.starts[slot]!, this.starts[slot]! + this.lengths[slot]!));
    }
    return out;
  }

  private overlapsOldest(at: number, size: number): boolean {
    const start = this.starts[this.first]!;
    return start < at + size && at < start + this.lengths[this.first]!;
  }

  private dropOldest(): void {
    this.first = (this.first + 1) % this.maxEntries;
    this.count--;
  }
}
