import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../core/errors.js';

const CHUNK_BYTES = 4 << 20;

/** `runs.csv.gz` → `.csv`: the format under the compression. */
export function innerExtension(file: string): string {
  const lower = file.toLowerCase().replace(/\.gz$/, '');
  const dot = lower.lastIndexOf('.');
  const slash = Math.max(lower.lastIndexOf('/'), lower.lastIndexOf('\\'));
  return dot > slash ? lower.slice(dot) : '';
}

export const isGzip = (file: string): boolean => file.toLowerCase().endsWith('.gz');

function statOrThrow(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, { code: 'FILE_READ', file });
  }
  if (st.isDirectory()) {
    throw new DataError('is a directory, not a results file', { code: 'FILE_IS_DIRECTORY', file, hint: `pass the files inside it, e.g. ${file.replace(/\/$/, '')}/*.csv` });
  }
}

function gunzip(file: string): Buffer {
  try {
    return gunzipSync(readFileSync(file));
  } catch (e) {
    throw new DataError(`not a readable gzip file (${(e as Error).message})`, { code: 'FILE_GZIP', file });
  }
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * The file's bytes in chunks of a few MB, for readers that split records on bytes
 * (`forEachCsvByteRecord`): a plain file read piece by piece, a `.gz` inflated to bytes. A file
 * of nothing but white space (and a byte-order mark) is an empty file. A chunk is valid until
 * the next one is asked for (the buffer is reused): copy what you keep.
 */
export function* byteChunks(file: string): Generator<Buffer> {
  statOrThrow(file);
  let any = false;
  let at = 0; // bytes seen, for the byte-order mark
  const look = (b: Buffer): void => {
    for (let i = 0; i < b.length && !any; i++, at++) {
      const c = b[i]!;
      const bom = at < 3 && c === [0xef, 0xbb, 0xbf][at] && (at === 0 || b[i - 1] === [0xef, 0xbb, 0xbf][at - 1]);
      if (!isSpace(c) && !bom) any = true;
    }
  };
  if (isGzip(file)) {
    const bytes = gunzip(file);
    for (let from = 0; from < bytes.length; from += CHUNK_BYTES) {
      const b = bytes.subarray(from, Math.min(bytes.length, from + CHUNK_BYTES));
      if (!any) look(b);
      yield b;
    }
  } else {
    const fd = openSync(file, 'r');
    try {
      // One buffer, refilled: a fresh 4 MB per chunk is external memory the collector is asked to
      // account for (a full collection every few chunks while a million rows' columns are live).
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        const got = readSync(fd, buf, 0, CHUNK_BYTES, null);
        if (got === 0) break;
        const b = buf.subarray(0, got);
        if (!any) look(b);
        yield b;
      }
    } finally {
      closeSync(fd);
    }
  }
  if (!any) throw new DataError('empty file', { code: 'EMPTY_FILE', file });
}

/** A plain file's size in bytes, to size what is read from it; 0 for a `.gz` or a file that cannot be read (the reader says why). */
export function plainFileBytes(file: string): number {
  if (isGzip(file)) return 0;
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The whole text (JSON documents, sample logs), from a plain or gzipped file. */
export function readWholeText(file: string): string {
  statOrThrow(file);
  const text = isGzip(file) ? gunzip(file).toString('utf8') : readFileSync(file, 'utf8');
  if (text.trim() === '') throw new DataError('empty file', { code: 'EMPTY_FILE', file });
  return text;
}
