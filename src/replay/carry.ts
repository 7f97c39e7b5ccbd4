/**
 * Values the live peer hands out that differ from the recording (a 1.6 transactionId from StartTransaction's
 * answer, a 2.0.1 transactionId a station chose), carried forward: later frames the player sends that held the
 * recorded value get the live one. Only identifiers are carried: fields whose name ends in "Id" (or is "id").
 */
const IS_ID = /(^id|Id)$/;

type Json = unknown;

export class ValueCarry {
  /** field name → recorded value (as JSON) → live value */
  private readonly map = new Map<string, Map<string, Json>>();

  get size(): number {
    let n = 0;
    for (const m of this.map.values()) n += m.size;
    return n;
  }

  /** Compare a recorded payload with the live one that stands for it, and remember the ids that changed. */
  learn(recorded: Json, live: Json): void {
    if (Array.isArray(recorded) && Array.isArray(live)) {
      recorded.forEach((r, i) => this.learn(r, live[i]));
      return;
    }
    if (!isObject(recorded) || !isObject(live)) return;
    for (const [k, r] of Object.entries(recorded)) {
      const l = live[k];
      if (IS_ID.test(k) && (typeof r === 'string' || typeof r === 'number') && l !== undefined && l !== r && typeof l === typeof r) {
        let m = this.map.get(k);
        if (!m) this.map.set(k, (m = new Map()));
        m.set(JSON.stringify(r), l);
      } else this.learn(r, l);
    }
  }

  /** A copy of `payload` with every carried value replaced. */
  apply(payload: Json): Json {
    if (this.map.size === 0) return payload;
    if (Array.isArray(payload)) return payload.map((v) => this.apply(v));
    if (!isObject(payload)) return payload;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(payload)) {
      const m = this.map.get(k);
      const key = typeof v === 'string' || typeof v === 'number' ? JSON.stringify(v) : undefined;
      out[k] = m && key !== undefined && m.has(key) ? m.get(key) : this.apply(v);
    }
    return out;
  }

  /** Whether `live` is what `recorded` was carried to, under field `key`. */
  carried(key: string, recorded: Json, live: Json): boolean {
    const m = this.map.get(key);
    return m !== undefined && m.get(JSON.stringify(recorded)) === live;
  }
}

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
