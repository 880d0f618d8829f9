/**
 * Seeded randomness. Every generated value is derived from a hash of (seed, repo, kind, index)
 * so any single item can be produced on its own, without generating its neighbours.
 */

/** mulberry32: small, fast, good enough for test data; returns floats in [0, 1). */
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

/** Mixes numbers and strings into one 32-bit hash (FNV-1a over the parts, then a final avalanche). */
export function hash32(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === "number" ? String(part) : part;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A random stream dedicated to one (seed, …parts) key. */
export function rngFor(...parts: (number | string)[]): () => number {
  return mulberry32(hash32(...parts));
}

/** One uniform float in [0, 1) for a key, without creating a stream. */
export function unit(...parts: (number | string)[]): number {
  return hash32(...parts) / 4294967296;
}

/** 40 hex characters, like a git sha, derived from a key. */
export function fakeSha(...parts: (number | string)[]): string {
  let out = "";
  for (let i = 0; i < 5; i++) out += hash32(...parts, i).toString(16).padStart(8, "0");
  return out;
}
