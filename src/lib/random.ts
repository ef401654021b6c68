/**
 * Deterministic randomness: mulberry32, both as a stream and as a counter-based function, so that (in the demo) any
 * reading's noise depends only on (meter, instant) and never on how many readings came before it. The same seed gives
 * the same numbers everywhere: the demo park, representative days, the benchmarks' synthetic inputs.
 */

const MULBERRY_INCREMENT = 0x6d2b79f5;

/** The n-th (0-based) 32-bit output of mulberry32 seeded with `seed`, computed directly from the counter. */
export function mulberry32At(seed: number, n: number): number {
  let t = (seed + Math.imul(n + 1, MULBERRY_INCREMENT)) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A uniform number in [0, 1) from the n-th output of mulberry32(seed). */
export function uniformAt(seed: number, n: number): number {
  return mulberry32At(seed, n) / 4294967296;
}

/** A triangular number in (−1, 1), mean 0, from one 32-bit output (its two 16-bit halves summed). */
export function triangularAt(seed: number, n: number): number {
  const x = mulberry32At(seed, n);
  return ((x & 0xffff) + (x >>> 16)) / 65535 - 1;
}

/** A mulberry32 stream: each call returns the next uniform number in [0, 1). */
export function mulberry32(seed: number): () => number {
  let n = 0;
  return () => uniformAt(seed, n++);
}

/** FNV-1a hash of a string to an unsigned 32-bit seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
