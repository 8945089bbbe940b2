/**
 * A child seed from a parent seed and labels: the one way the lab splits randomness into streams
 * (STYLE.md "Determinism"). Sums like `seed + 1` collide (seed 1's second stream is seed 2's first);
 * a hash of (seed, labels) does not in practice. The labels are hashed as UTF-16 code units with a
 * separator, so ('ab', 'c') and ('a', 'bc') differ. The mix is MurmurHash3's 32-bit finaliser over an
 * FNV-1a accumulation (both public domain), giving a uint32 that makeRng seeds from.
 */
export function deriveSeed(seed: number, ...labels: readonly (string | number)[]): number {
  if (!Number.isInteger(seed)) throw new RangeError(`deriveSeed: seed must be an integer, got ${seed}`);
  let h = 0x811c9dc5;
  const feed = (x: number): void => {
    h ^= x & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= x >>> 16;
    h = Math.imul(h, 0x01000193);
  };
  feed(seed >>> 0);
  feed(Math.floor(seed / 2 ** 32) >>> 0);
  for (const label of labels) {
    const s = typeof label === 'number' ? `#${label}` : label;
    feed(0xfffe); // separator: never a code unit of a well-formed label boundary
    for (let i = 0; i < s.length; i++) feed(s.charCodeAt(i));
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
