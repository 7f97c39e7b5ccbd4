/**
 * An insertion-ordered map for keys that come and go one at a time: the CALLs a peer leaves unanswered (OCPP lets
 * it leave one), the measurements a station has open. A Map that gains and loses an entry twice a second
 * reallocates its hash table every few cycles, and on a proxy with thousands of sessions those tables outlive
 * young-generation collections: measured, they were the largest share of what every scavenge had to copy. Here
 * the oldest entry sits in fields, and a Map exists only while more than one entry is kept.
 */
export class FewMap<V> {
  /** The oldest entry: filled only while `more` is empty, so it is always older than anything in `more`. */
  private firstKey: string | undefined;
  private firstValue: V | undefined;
  private more: Map<string, V> | undefined;

  get size(): number {
    return (this.firstKey === undefined ? 0 : 1) + (this.more?.size ?? 0);
  }

  has(key: string): boolean {
    return this.firstKey === key || (this.more?.has(key) ?? false);
  }

  get(key: string): V | undefined {
    return this.firstKey === key ? this.firstValue : this.more?.get(key);
  }

  /** As Map.set: a key already kept keeps its place and takes the new value. */
  set(key: string, value: V): void {
    if (this.firstKey === key) {
      this.firstValue = value;
    } else if (this.firstKey === undefined && this.more === undefined) {
      this.firstKey = key;
      this.firstValue = value;
    } else {
      (this.more ??= new Map()).set(key, value);
    }
  }

  delete(key: string): boolean {
    if (this.firstKey === key) {
      this.firstKey = undefined;
      this.firstValue = undefined;
      if (this.more?.size === 0) this.more = undefined;
      return true;
    }
    if (!this.more?.delete(key)) return false;
    if (this.more.size === 0 && this.firstKey === undefined) this.more = undefined;
    return true;
  }

  /** The oldest key kept. */
  oldestKey(): string | undefined {
    return this.firstKey ?? this.more?.keys().next().value;
  }

  clear(): void {
    this.firstKey = undefined;
    this.firstValue = undefined;
    this.more = undefined;
  }

  /** Oldest first; entries may be deleted while iterating, as with a Map. */
  *entries(): IterableIterator<[string, V]> {
    if (this.firstKey !== undefined) yield [this.firstKey, this.firstValue as V];
    const more = this.more;
    if (more) yield* more;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
}
