import { createWriteStream } from 'node:fs';
import { makeRng } from '../src/core/random/rng.js';

/**
 * A tidy CSV of the size a user met (issue #27: 55 MB, a free-text column): 10 models × `tasks`
 * tasks × 4 metrics, each row with a quoted free-text note (commas, quotes, a newline) that
 * differs per model and task, as a notes or prompt column does. Values follow a smooth trend.
 */
export async function writeFreeTextCsv(path: string, tasks: number, noteChars: number, seed = 7): Promise<number> {
  const rng = makeRng(seed);
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> => new Promise((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  await write('family,model,params,task,metric,value,note\n');
  const words = ['the', 'model', 'answers', 'quickly', 'but', 'often', 'wrong', 'checked', 'by', 'hand', 'prompt', 'format'];
  let rows = 0;
  for (let t = 0; t < tasks; t++) {
    let chunk = '';
    for (let m = 0; m < 10; m++) {
      const params = 7e7 * 2 ** m;
      let note = `run ${m}/${t}: "`;
      while (note.length < noteChars) note += words[Math.floor(rng.next() * words.length)]! + (rng.next() < 0.1 ? ', ' : ' ');
      note += '"\nend';
      const q = `"${note.replace(/"/g, '""')}"`;
      for (const metric of ['acc', 'acc_norm', 'brier_score', 'target_loglik']) {
        const base = metric === 'brier_score' ? 0.8 - 0.05 * m : metric === 'target_loglik' ? -3 + 0.2 * m : 0.25 + 0.04 * m;
        chunk += `Fam,fam-${m},${params},task${t},${metric},${(base + 0.01 * rng.normal()).toFixed(5)},${q}\n`;
        rows++;
      }
    }
    await write(chunk);
  }
  await new Promise<void>((res) => out.end(res));
  return rows;
}
