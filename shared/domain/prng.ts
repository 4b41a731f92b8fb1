// Seeded pseudo-random numbers (mulberry32) for pure domain rules: the same seed gives the same stream, on
// every machine. Streams are derived from (seed, label) through FNV-1a, so a new consumer never shifts the
// numbers another one sees. Same algorithm and seeding as local/market/prng.ts, stream for stream.

export interface Prng {
  /** Uniform in [0, 1) */
  next(): number;
  /** Standard normal (Box-Muller) */
  normal(): number;
  /** Integer in [0, n) */
  int(n: number): number;
}

/** FNV-1a 32-bit hash of a text: turns (seed, label) pairs into independent stream seeds */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32 over a raw 32-bit seed: uniform in [0, 1) */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createPrng(seed: number | string, label = ''): Prng {
  const next = mulberry32(hash32(`${seed}/${label}`));
  return {
    next,
    normal: () => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    int: (n) => Math.floor(next() * n),
  };
}
