import { CsvSyntaxError } from './csv-text.js';

/** Where one record's fields lie: field f is text.slice(starts[f], ends[f]), f < count. */
export type CsvRangeSink = (text: string, starts: Int32Array, ends: Int32Array, count: number, line: number) => void;

/** The same records as strings (the `fields` array is reused: copy what you keep). */
export function forEachCsvRecord(chunks: Iterable<string>, onRecord: (fields: string[], line: number) => void): void {
  const fields: string[] = [];
  forEachCsvRange(chunks, (text, starts, ends, count, line) => {
    fields.length = count;
    for (let f = 0; f < count; f++) fields[f] = text.slice(starts[f]!, ends[f]!);
    onRecord(fields, line);
  });
}

/**
 * RFC 4180 records from a text that arrives in chunks (a file read a few MB at a time, or a
 * gunzip stream), so a large file is never one string nor all its records at once. Same
 * grammar as `parseCsv`: quoted fields with "" escapes, embedded commas and newlines, CRLF or
 * LF, a leading byte-order mark, blank lines skipped. Each record comes with the 1-based line
 * it starts on. Unquoted fields are sliced, not built a character at a time: that, and
 * scanning with charCodeAt, is what makes a million rows a second reachable. Each record is
 * given as the ranges of its fields in the text, so a reader can parse a number or compare a
 * name where it lies without a string per field; a record with a quoted field (whose value is
 * not a range of the text: "" escapes) is given as its unquoted fields joined. The range arrays
 * are reused from one record to the next.
 */
export function forEachCsvRange(chunks: Iterable<string>, onRecord: CsvRangeSink): void {
  let carry = '';
  let line = 1;
  let first = true;
  const fields: string[] = []; // a quoted record's fields
  let starts = new Int32Array(64);
  let ends = new Int32Array(64);
  let count = 0;
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
  const run = (text: string, final: boolean): void => {
    let pos = 0;
    const n = text.length;
    // Where the next quote and the next \r are: a record before both is split with indexOf alone.
    let nextQuote = -2;
    let nextCr = -2;
    while (pos < n) {
      fields.length = 0;
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos);
      const nl = text.indexOf('\n', pos);
      if (nl >= 0 && (nextQuote === -1 || nextQuote > nl) && (nextCr === -1 || nextCr >= nl - 1)) {
        const end = nextCr === nl - 1 ? nl - 1 : nl;
        if (end > pos) {
          count = 0;
          for (let i = pos; ; ) {
            const comma = text.indexOf(',', i);
            if (comma < 0 || comma >= end) {
              add(i, end);
              break;
            }
            add(i, comma);
            i = comma + 1;
          }
          onRecord(text, starts, ends, count, line);
        } // else a blank line
        line++;
        pos = nl + 1;
        continue;
      }
      let i = pos;
      let newlines = 0; // inside quoted fields of this record
      let complete = false;
      let blank = true;
      for (;;) {
        let c = i < n ? text.charCodeAt(i) : -1;
        if (c === 34) {
          blank = false;
          let piece = '';
          let j = i + 1;
          for (;;) {
            const q = text.indexOf('"', j);
            if (q < 0) {
              if (final) throw new CsvSyntaxError('unterminated quoted field', line);
              return void (carry = text.slice(pos));
            }
            const part = text.slice(j, q);
            for (let k = part.indexOf('\n'); k >= 0; k = part.indexOf('\n', k + 1)) newlines++;
            if (q + 1 >= n && !final) return void (carry = text.slice(pos)); // "" may straddle the chunk
            if (text.charCodeAt(q + 1) === 34) {
              piece += part + '"';
              j = q + 2;
              continue;
            }
            piece += part;
            i = q + 1;
            break;
          }
          fields.push(piece);
          c = i < n ? text.charCodeAt(i) : -1;
          if (c !== 44 && c !== 10 && c !== 13 && c !== -1) {
            throw new CsvSyntaxError(`unexpected character ${JSON.stringify(text[i])} after a closing quote`, line + newlines);
          }
        } else {
          let j = i;
          while (j < n) {
            c = text.charCodeAt(j);
            if (c === 44 || c === 10 || c === 13 || c === 34) break;
            j++;
          }
          if (j >= n) c = -1;
          if (c === 34) throw new CsvSyntaxError('a quote inside an unquoted field', line + newlines);
          if (j > i) blank = false;
          fields.push(text.slice(i, j));
          i = j;
        }
        if (c === 44) {
          blank = false;
          i++;
          continue;
        }
        if (c === -1) {
          if (!final) return void (carry = text.slice(pos));
          complete = true;
          pos = n;
          break;
        }
        // c is \r or \n: the record ends; a \r at the chunk's end may be half of \r\n.
        if (c === 13 && i + 1 >= n && !final) return void (carry = text.slice(pos));
        pos = i + (c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1);
        complete = true;
        break;
      }
      if (complete) {
        if (!(blank && fields.length === 1)) {
          count = 0;
          let at = 0;
          for (const f of fields) {
            add(at, at + f.length);
            at += f.length + 1;
          }
          onRecord(fields.join(','), starts, ends, count, line);
        }
        line += 1 + newlines;
      }
    }
    carry = '';
  };
  for (let chunk of chunks) {
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      if (chunk === '') continue;
      first = false;
    }
    run(carry + chunk, false);
  }
  if (carry !== '') run(carry, true);
}
