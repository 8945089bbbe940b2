import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { trackTemp } from './interrupt.js';

/** Write the whole file or nothing: `*.tmp` then rename (STYLE.md "Errors"). */
export function writeAtomic(path: string, content: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    /* does not exist yet: fine */
  }
  if (isDir) throw new ConfigError('is a directory', { code: 'OUT_IS_DIRECTORY', file: path, field: '--out', hint: 'give a file name' });
  const tmp = `${path}.${process.pid}.tmp`;
  const tracked = trackTemp(tmp);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
    tracked.release();
  } catch (e) {
    rmSync(tmp, { force: true });
    tracked.release();
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new ConfigError(`cannot write (${code})`, { code: 'OUT_WRITE', file: path, field: '--out' });
  }
}
