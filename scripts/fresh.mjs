// Is a build output newer than every input it was made from? Lets `npm run build` (and so `npm start`)
// skip a step when nothing it reads has changed since it last ran.
import { statSync } from 'node:fs';

const mtime = (f) => {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return null;
  }
};

export function isFresh(output, inputs) {
  const out = mtime(output);
  if (out === null) return false;
  return inputs.every((f) => {
    const t = mtime(f);
    return t !== null && t <= out;
  });
}
