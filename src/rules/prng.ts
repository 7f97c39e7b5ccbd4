/**
 * Seeded randomness for `when.probability` and delay jitter. Each rule draws from its own generator, seeded from
 * the global seed and the rule id, so adding or editing one rule never shifts another rule's decisions.
 */

/** mulberry32: tiny, fast, good enough for fault injection (not for cryptography). Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits: mixes the global seed with a rule id into that rule's seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const ruleRandom = (seed: number, ruleId: string): (() => number) => mulberry32(hash32(`${seed}:${ruleId}`));

/** A fresh seed when none was given (logged, so the run can be replayed with --rules-seed). */
export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 32);
