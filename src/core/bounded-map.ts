/**
 * A Map that holds at most `limit` entries: past it, setting a new key drops the oldest one. For what a peer may
 * leave unanswered for ever (pending CALLs, remembered ids), so no peer can grow the proxy's memory.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
