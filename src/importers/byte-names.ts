/**
 * Cells to name codes without a string per cell: a cell's bytes are looked up in a hash table
 * of the bytes seen before (FNV-1a, open addressing), and only a cell never seen is decoded.
 * Each distinct byte string maps to the code of its trimmed text, so " acc" and "acc" are one
 * name. Consecutive rows mostly repeat a column's previous cell: its entry is compared first.
 */
export class ByteNames {
  private pool = Buffer.allocUnsafe(1 << 16);
  private poolUsed = 0;
  private offsets: Int32Array = new Int32Array(256);
  private lengths: Int32Array = new Int32Array(256);
  private hashes: Int32Array = new Int32Array(256);
  private codes: Int32Array = new Int32Array(256);
  private entries = 0;
  private slots: Int32Array = new Int32Array(1024).fill(-1); // entry index or -1
  private last: Int32Array = new Int32Array(64).fill(-1); // per column: the entry of its previous cell
  /** The code of the empty name (a blank or all-space cell), -1 until one is seen. */
  emptyCode = -1;

  /** `name(text)` gives the code of a decoded, trimmed cell (the table's dictionary). */
  constructor(private readonly name: (text: string) => number) {}

  /** The code of b[start, end) in column `col` (a small integer naming where the cell is). */
  code(col: number, b: Buffer, start: number, end: number): number {
    const len = end - start;
    if (col >= this.last.length) this.growColumns(col);
    const prev = this.last[col]!;
    if (prev >= 0 && this.lengths[prev] === len) {
      const pool = this.pool;
      const off = this.offsets[prev]! - start;
      let i = start;
      while (i < end && pool[off + i] === b[i]) i++;
      if (i === end) return this.codes[prev]!;
    }
    const e = this.lookup(b, start, end);
    this.last[col] = e;
    return this.codes[e]!;
  }

  /**
   * Field `col` of `records` records laid out `width` ranges apart (a CSV batch) as codes into
   * out[at…]; false when a cell is the empty name. One loop with the table's arrays in locals: a
   * call to `code` per cell was a fifth of reading a million rows.
   */
  codeColumn(col: number, b: Buffer, starts: Int32Array, ends: Int32Array, width: number, records: number, out: Int32Array, at: number): boolean {
    if (col >= this.last.length) this.growColumns(col);
    const last = this.last;
    let prev = last[col]!;
    let prevLen = prev >= 0 ? this.lengths[prev]! : -1;
    let prevCode = prev >= 0 ? this.codes[prev]! : -1;
    let prevOff = prev >= 0 ? this.offsets[prev]! : 0;
    let pool = this.pool;
    // Four bytes compared at a time (a DataView's loads are inlined; a byte loop was most of the time).
    const bv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let pv = new DataView(pool.buffer, pool.byteOffset, pool.byteLength);
    let empty = false;
    for (let q = 0, f = col; q < records; q++, f += width) {
      const start = starts[f]!;
      const end = ends[f]!;
      if (end - start === prevLen) {
        const off = prevOff - start;
        let i = start;
        while (i + 4 <= end && bv.getInt32(i) === pv.getInt32(off + i)) i += 4;
        while (i < end && pool[off + i] === b[i]) i++;
        if (i === end) {
          out[at + q] = prevCode;
          if (prevCode === this.emptyCode) empty = true;
          continue;
        }
      }
      prev = this.lookup(b, start, end);
      if (pool !== this.pool) {
        pool = this.pool;
        pv = new DataView(pool.buffer, pool.byteOffset, pool.byteLength);
      }
      prevLen = this.lengths[prev]!;
      prevCode = this.codes[prev]!;
      prevOff = this.offsets[prev]!;
      if (prevCode === this.emptyCode) empty = true;
      out[at + q] = prevCode;
    }
    last[col] = prev;
    return !empty;
  }

  private growColumns(col: number): void {
    const more = new Int32Array(Math.max(col + 1, this.last.length * 2)).fill(-1);
    more.set(this.last);
    this.last = more;
  }

  /** The entry of b[start, end), made when new. */
  private lookup(b: Buffer, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const len = end - start;
    const mask = this.slots.length - 1;
    const pool = this.pool;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e < 0) break;
      if (this.hashes[e] !== h || this.lengths[e] !== len) continue;
      const off = this.offsets[e]! - start;
      let i = start;
      while (i < end && pool[off + i] === b[i]) i++;
      if (i === end) return e;
    }
    const text = b.toString('utf8', start, end).trim();
    const code = this.name(text);
    if (text === '') this.emptyCode = code;
    return this.insert(b, start, end, h, code);
  }

  private insert(b: Buffer, start: number, end: number, h: number, code: number): number {
    const len = end - start;
    if (this.poolUsed + len > this.pool.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.pool.length * 2, this.poolUsed + len));
      this.pool.copy(bigger, 0, 0, this.poolUsed);
      this.pool = bigger;
    }
    b.copy(this.pool, this.poolUsed, start, end);
    if (this.entries === this.offsets.length) {
      const grow = (a: Int32Array): Int32Array => {
        const c = new Int32Array(a.length * 2);
        c.set(a);
        return c;
      };
      this.offsets = grow(this.offsets);
      this.lengths = grow(this.lengths);
      this.hashes = grow(this.hashes);
      this.codes = grow(this.codes);
    }
    const e = this.entries++;
    this.offsets[e] = this.poolUsed;
    this.lengths[e] = len;
    this.hashes[e] = h;
    this.codes[e] = code;
    this.poolUsed += len;
    if (this.entries * 2 > this.slots.length) this.rehash();
    else this.place(e);
    return e;
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[e]! & mask;
    while (this.slots[s]! >= 0) s = (s + 1) & mask;
    this.slots[s] = e;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let e = 0; e < this.entries; e++) this.place(e);
  }
}
