/** Murmur3's 32-bit finaliser over a and b mixed, so that consecutive codes spread over the table. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Dense codes for pairs of 32-bit integers, 0, 1, 2, … in order of first appearance: open
 * addressing over typed arrays. A Map keyed by a·2^k + b hashes a heap number per lookup (keys
 * past 2^31 are not small integers), which made grouping a million rows into curves slower than
 * reading them; this hashes two integers. A tuple is coded a pair at a time: code(code(a, b), c).
 */
export class PairCodes {
  private firsts = new Int32Array(256);
  private seconds = new Int32Array(256);
  private slots = new Int32Array(512).fill(-1); // a code, or -1: empty
  size = 0;

  code(a: number, b: number): number {
    const mask = this.slots.length - 1;
    let s = mix(a, b) & mask;
    for (; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e < 0) break;
      if (this.firsts[e] === a && this.seconds[e] === b) return e;
    }
    const code = this.size++;
    if (code === this.firsts.length) {
      const f = new Int32Array(code * 2);
      f.set(this.firsts);
      this.firsts = f;
      const g = new Int32Array(code * 2);
      g.set(this.seconds);
      this.seconds = g;
    }
    this.firsts[code] = a;
    this.seconds[code] = b;
    if (this.size * 2 > this.slots.length) this.rehash();
    else this.slots[s] = code;
    return code;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (let e = 0; e < this.size; e++) {
      let s = mix(this.firsts[e]!, this.seconds[e]!) & mask;
      while (this.slots[s]! >= 0) s = (s + 1) & mask;
      this.slots[s] = e;
    }
  }
}
