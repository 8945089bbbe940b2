import { describe, expect, it } from 'vitest';
import { answerType, defaultMetricsForAnswers } from './default-metrics.js';
import { defaultMetricsFor } from './registry.js';

describe('default metrics by answer type', () => {
  it('reads numbers, short answers and free text', () => {
    expect(answerType([['324'], ['0324'], ['-12'], ['3.5']])).toBe('numeric');
    expect(answerType([['True'], ['False'], ['not sure']])).toBe('short_text');
    expect(answerType([['the cat sat on the mat'], ['a dog ran']])).toBe('text');
  });
  it('3-digit answers get no BLEU, ROUGE or chrF by default; free text keeps them', () => {
    const num = defaultMetricsForAnswers('generate', [['324'], ['1024']]);
    for (const m of ['bleu', 'rouge2', 'rouge1', 'rougeL', 'chrf', 'f1']) expect(num).not.toContain(m);
    for (const m of ['exact_match', 'numeric_match', 'char_edit_distance', 'token_edit_distance', 'target_loglik', 'per_token_accuracy']) expect(num).toContain(m);
    const short = defaultMetricsForAnswers('generate', [['True'], ['False']]);
    expect(short).not.toContain('bleu');
    expect(short).not.toContain('rouge2');
    expect(short).toContain('rouge1');
    expect(defaultMetricsForAnswers('generate', [['the cat sat on the mat']])).toEqual(defaultMetricsFor('generate'));
    expect(defaultMetricsForAnswers('multiple_choice', [['1']])).toEqual(defaultMetricsFor('multiple_choice'));
  });
});
