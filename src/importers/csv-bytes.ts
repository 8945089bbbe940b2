import { CsvSyntaxError } from './csv-text.js';

/** Where one record's fields lie: field f is bytes[starts[f], ends[f]), f < count. */
export type CsvByteSink = (bytes: Buffer, starts: Int32Array, ends: Int32Array, count: number, line: number) => void;

/**
 * Consecutive plain records of one width (no quote, LF or CRLF): field f of record r is
 * bytes[starts[r·width + f], ends[r·width + f]), on line lines[r]. The arrays are reused.
 */
export interface CsvBatch {
  readonly bytes: Buffer;
  readonly records: number;
  readonly width: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lines: Int32Array;
}

/** Where records of `width` fields go in batches (0: none yet, every record to `onRecord`). */
export interface CsvBatchSink {
  readonly width: number;
  onBatch(batch: CsvBatch): void;
}

const BATCH_RECORDS = 2048;

/**
 * The fields of the line at b[pos…] up to its LF, into starts and ends from `at`: the LF's
 * position, or -1 when the buffer holds no LF or the line has not exactly w fields (quotes and
 * CRs are the caller's: it knows where the next ones are). Apart from the reader's closure, so
 * the loop over the bytes reads only locals. `v` views b: four bytes are tested at once for a
 * comma or an LF (a word with a zero byte after XOR with four of either), and only a word
 * holding one is read a byte at a time; the LF found here spares a search per line.
 */
function splitLine(b: Buffer, v: DataView, pos: number, n: number, w: number, starts: Int32Array, ends: Int32Array, at: number): number {
  const last = at + w - 1;
  let f = at;
  let from = pos;
  let i = pos;
  for (;;) {
    while (i + 4 <= n) {
      const x = v.getInt32(i);
      const c = x ^ 0x2c2c2c2c;
      const l = x ^ 0x0a0a0a0a;
      if ((((c - 0x01010101) & ~c) | ((l - 0x01010101) & ~l)) & 0x80808080) break;
      i += 4;
    }
    let ch = 0;
    while (i < n && (ch = b[i]!) !== 44 && ch !== 10) i++;
    if (i >= n) return -1;
    if (ch === 10) break;
    if (f === last) return -1; // too many fields
    starts[f] = from;
    ends[f++] = i;
    from = ++i;
  }
  if (f !== last) return -1;
  starts[f] = from;
  ends[f] = i;
  return i;
}

/**
 * RFC 4180 records from UTF-8 bytes that arrive in chunks (a file read a few MB at a time, or
 * an inflated `.gz`), never decoded as a whole: the grammar's characters (comma, quote, CR, LF)
 * are single bytes that never occur inside a multi-byte character, so records are split on the
 * bytes and a reader decodes only what it keeps (a new name, an error's cell). Same grammar as
 * `parseCsv` and `forEachCsvRange`: quoted fields with "" escapes, embedded commas and newlines,
 * CRLF, LF or CR, a leading byte-order mark, blank lines skipped; each record with the 1-based
 * line it starts on. A record with a quoted field is given from a scratch buffer holding its
 * unquoted fields. The range arrays and the scratch are reused from one record to the next.
 * With `batched`, the plain records of its width go to it in batches, in file order with the
 * others: a reader can then work a column at a time (the per-record call, and the search for
 * a quote and a CR in every byte, are most of the cost of a million records).
 */
export function forEachCsvByteRecord(chunks: Iterable<Buffer>, onRecord: CsvByteSink, batched?: CsvBatchSink): void {
  let carry: Buffer | null = null;
  let line = 1;
  let first = true;
  let starts = new Int32Array(64);
  let ends = new Int32Array(64);
  let count = 0;
  let scratch = Buffer.allocUnsafe(1 << 12);
  let used = 0; // bytes of scratch in use
  const add = (from: number, to: number): void => {
    if (count === starts.length) {
      const s2 = new Int32Array(count * 2);
      s2.set(starts);
      starts = s2;
      const e2 = new Int32Array(count * 2);
      e2.set(ends);
      ends = e2;
    }
    starts[count] = from;
    ends[count] = to;
    count++;
  };
  const put = (b: Buffer, from: number, to: number): void => {
    const len = to - from;
    if (used + len > scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, used + len));
      scratch.copy(bigger, 0, 0, used);
      scratch = bigger;
    }
    b.copy(scratch, used, from, to);
    used += len;
  };
  const charAt = (b: Buffer, i: number): string => b.toString('utf8', i, Math.min(b.length, i + 4))[0] ?? '';

  /** A record holding a quote, from `pos`: its end, or -1 when it runs past the chunk. */
  const quotedRecord = (b: Buffer, pos: number, final: boolean): number => {
    const n = b.length;
    count = 0;
    used = 0;
    let newlines = 0;
    let i = pos;
    for (;;) {
      const from = used;
      let c = i < n ? b[i]! : -1;
      if (c === 34) {
        let j = i + 1;
        for (;;) {
          const q = b.indexOf(34, j);
          if (q < 0) {
            if (final) throw new CsvSyntaxError('unterminated quoted field', line);
            return -1;
          }
          for (let k = b.indexOf(10, j); k >= 0 && k < q; k = b.indexOf(10, k + 1)) newlines++;
          if (q + 1 >= n && !final) return -1; // "" may straddle the chunk
          put(b, j, q);
          if (b[q + 1] === 34) {
            put(b, q, q + 1);
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        c = i < n ? b[i]! : -1;
        if (c !== 44 && c !== 10 && c !== 13 && c !== -1) {
          throw new CsvSyntaxError(`unexpected character ${JSON.stringify(charAt(b, i))} after a closing quote`, line + newlines);
        }
      } else {
        let j = i;
        while (j < n) {
          c = b[j]!;
          if (c === 44 || c === 10 || c === 13 || c === 34) break;
          j++;
        }
        if (j >= n) c = -1;
        if (c === 34) throw new CsvSyntaxError('a quote inside an unquoted field', line + newlines);
        put(b, i, j);
        i = j;
      }
      add(from, used);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === -1) {
        if (!final) return -1;
        onRecord(scratch, starts, ends, count, line);
        line += 1 + newlines;
        return n;
      }
      if (c === 13 && i + 1 >= n && !final) return -1;
      onRecord(scratch, starts, ends, count, line);
      line += 1 + newlines;
      return i + (c === 13 && b[i + 1] === 10 ? 2 : 1);
    }
  };

  let bWidth = 0;
  let bStarts = new Int32Array(0);
  let bEnds = new Int32Array(0);
  const bLines = new Int32Array(BATCH_RECORDS);
  let bRecords = 0;
  let bBytes: Buffer = Buffer.alloc(0);
  const flush = (): void => {
    if (bRecords === 0) return;
    const records = bRecords;
    bRecords = 0;
    batched!.onBatch({ bytes: bBytes, records, width: bWidth, starts: bStarts, ends: bEnds, lines: bLines });
  };

  /** Every complete record of b from `pos`; returns where the incomplete rest starts (n when none). */
  const run = (b: Buffer, pos: number, final: boolean): number => {
    const n = b.length;
    // Where the next quote and the next CR are: a line before both is a plain record.
    let nextQuote = -2;
    let nextCr = -2;
    bBytes = b;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    while (pos < n) {
      const w = batched === undefined ? 0 : batched.width;
      if (w > 0) {
        if (w !== bWidth) {
          flush();
          bWidth = w;
          bStarts = new Int32Array(BATCH_RECORDS * w);
          bEnds = new Int32Array(BATCH_RECORDS * w);
        }
        if (nextQuote !== -1 && nextQuote < pos) nextQuote = b.indexOf(34, pos);
        if (nextCr !== -1 && nextCr < pos) nextCr = b.indexOf(13, pos);
        const at = bRecords * w;
        const nl = splitLine(b, view, pos, n, w, bStarts, bEnds, at);
        if (nl >= 0 && (nextQuote === -1 || nextQuote > nl) && (nextCr === -1 || nextCr >= nl - 1)) {
          const end = nextCr === nl - 1 ? nl - 1 : nl;
          if (end > pos) {
            bEnds[at + w - 1] = end; // before a CRLF's CR
            bLines[bRecords++] = line++;
            pos = nl + 1;
            if (bRecords === BATCH_RECORDS) flush();
            continue;
          }
          line++; // a blank line
          pos = nl + 1;
          continue;
        }
        flush(); // this record another way, after the batch before it
      }
      // The common record, no quote: fields written straight into the range arrays.
      let st = starts;
      let en = ends;
      count = 0;
      let fieldStart = pos;
      let i = pos;
      let c = 0;
      while (i < n) {
        c = b[i]!;
        if (c === 44) {
          if (count === st.length) {
            add(fieldStart, i);
            st = starts;
            en = ends;
          } else {
            st[count] = fieldStart;
            en[count++] = i;
          }
          fieldStart = ++i;
          continue;
        }
        if (c === 10 || c === 13 || c === 34) break;
        i++;
      }
      if (i < n && c === 34) {
        if (i !== fieldStart) throw new CsvSyntaxError('a quote inside an unquoted field', line);
        const end = quotedRecord(b, pos, final);
        if (end < 0) return pos;
        pos = end;
        continue;
      }
      if (i >= n) {
        if (!final) return pos;
        c = -1;
      } else if (c === 13 && i + 1 >= n && !final) return pos; // half of \r\n
      add(fieldStart, i);
      // A blank line is not a record.
      if (!(count === 1 && i === pos)) onRecord(b, starts, ends, count, line);
      line++;
      pos = c === -1 ? n : i + (c === 13 && b[i + 1] === 10 ? 2 : 1);
    }
    flush();
    return n;
  };

  for (const chunk of chunks) {
    let b: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    if (first) {
      if (b.length < 3) {
        carry = Buffer.from(b);
        continue;
      }
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
      first = false;
    }
    const rest = run(b, 0, false);
    carry = rest < b.length ? Buffer.from(b.subarray(rest)) : null;
  }
  if (carry !== null) {
    let b = carry;
    if (first && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    run(b, 0, true);
  }
}
