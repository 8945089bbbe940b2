import type { Example, PromptFormat, Task } from '../core/types.js';
import type { Rng } from '../core/random/rng.js';

/** BIG-bench's defaults (bigbench/api/json_task.py). */
export const BIGBENCH_FORMAT: PromptFormat = { taskPrefix: '', inputPrefix: '\nQ: ', outputPrefix: '\nA: ', separator: '\n' };

/**
 * The prompt for one example with k shots, BIG-bench style:
 *   task_prefix + [input_prefix + shot.input + output_prefix + shot.target + separator]×k
 *   + input_prefix + example.input + output_prefix
 * Shots are drawn without replacement by the Rng passed in (one per example, derived from the run
 * seed and the example id, so concurrency or order cannot change them), never the example itself.
 */
export function buildPrompt(task: Task, example: Example, shots: number, rng: Rng): string {
  const f = task.format;
  let out = f.taskPrefix;
  if (shots > 0) {
    const pool = (task.shotPool ?? task.examples).filter((e) => e.id !== example.id);
    if (pool.length < shots) throw new RangeError(`task ${task.id}: ${shots} shots asked, only ${pool.length} other examples`);
    const idx = Array.from(pool.keys());
    for (let i = 0; i < shots; i++) {
      const j = i + Math.floor(rng.next() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      const shot = pool[idx[i]!]!;
      const answer = shot.choices !== null && shot.targetScores !== null ? shot.choices[shot.targetScores.indexOf(Math.max(...shot.targetScores))]! : shot.targets[0]!;
      out += f.inputPrefix + shot.input + f.outputPrefix + answer + f.separator;
    }
  }
  return out + f.inputPrefix + example.input + f.outputPrefix;
}

/** The answer in a generation: the regex's first group (or whole match), else the text up to the first newline, trimmed. */
export function extractAnswer(text: string, outputRegex: string | null): string {
  if (outputRegex !== null) {
    const m = new RegExp(outputRegex, 'u').exec(text);
    return m ? (m[1] ?? m[0]).trim() : '';
  }
  return text.split('\n')[0]!.trim();
}

/** Chain-of-thought answer: the last number in the text (GSM8K-style), or '' when there is none. */
export function lastNumber(text: string): string {
  const all = text.match(/-?\d[\d,]*(\.\d+)?/g);
  return all ? all[all.length - 1]!.replace(/,/g, '') : '';
}

/**
 * The answer a model committed to after a marker (GSM8K's "#### 42", a scratchpad's "#582"): the number
 * right after the first occurrence of the marker, thousands separators dropped, or '' when there is no marker or
 * no number right after it. Later markers and trailing text are ignored.
 */
export function numberAfterMarker(text: string, marker: string): string {
  const at = text.indexOf(marker);
  if (at < 0) return '';
  // Commas only as thousands separators (1,234), so "582,1+4…" reads 582.
  const m = /^\s*(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)/.exec(text.slice(at + marker.length));
  return m ? m[1]!.replace(/,/g, '') : '';
}

/** The most common answer, its votes and share of all answers, and whether another answer has as many votes. */
export interface Tally {
  readonly answer: string;
  readonly votes: number;
  readonly share: number;
  readonly tied: boolean;
}

/** Counts answers; the winner of a tie is the one seen first (Map iterates in first-seen order). */
export function tally(answers: readonly string[]): Tally {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  let best = '';
  let bestN = 0;
  let tied = false;
  for (const [a, n] of counts) {
    if (n > bestN) {
      best = a;
      bestN = n;
      tied = false;
    } else if (n === bestN) tied = true;
  }
  return { answer: best, votes: bestN, share: answers.length === 0 ? 0 : bestN / answers.length, tied };
}

/** Majority vote over answers (self-consistency, Wang et al. 2022); ties go to the answer seen first. */
export function majorityVote(answers: readonly string[]): string {
  return tally(answers).answer;
}
