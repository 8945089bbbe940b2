import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { makeRng } from '../core/random/rng.js';
import { answerText, arithmeticExamples, arithmeticTask } from './arithmetic.js';
import { parseBigBenchTask } from './bigbench-task.js';
import { parseJsonlTask } from './jsonl-task.js';
import { buildPrompt, extractAnswer, lastNumber, majorityVote } from './prompt.js';

const bbh = JSON.parse(readFileSync(new URL('../../data/tasks/bbh_multistep_arithmetic_two.json', import.meta.url), 'utf8')) as unknown;

describe('BIG-bench JSON tasks', () => {
  it('reads a real BIG-Bench-Hard file: 250 generation examples, BIG-bench prompt defaults', () => {
    const t = parseBigBenchTask(bbh, 'bbh.json', 'msa');
    expect(t.kind).toBe('generate');
    expect(t.examples).toHaveLength(250);
    expect(t.examples[0]).toMatchObject({ input: '((-1 + 2 + 9 * 5) - (-2 + -4 + -4 * -7)) =', targets: ['24'] });
    expect(buildPrompt(t, t.examples[0]!, 0, makeRng(0))).toBe('\nQ: ((-1 + 2 + 9 * 5) - (-2 + -4 + -4 * -7)) =\nA: ');
  });
  it('target_scores make a multiple-choice task; prefixes and output_regex are honoured', () => {
    const t = parseBigBenchTask({ task_prefix: 'Answer.\n', example_input_prefix: 'In: ', example_output_prefix: ' Out: ', output_regex: '[A-Z]+', examples: [{ input: 'x', target_scores: { yes: 1, no: 0 } }, { input: 'y', target_scores: { yes: 0, no: 1 } }] }, 't.json', 't');
    expect(t.kind).toBe('multiple_choice');
    expect(t.examples[1]).toMatchObject({ choices: ['yes', 'no'], targetScores: [0, 1], targets: ['no'] });
    expect(buildPrompt(t, t.examples[0]!, 1, makeRng(0))).toBe('Answer.\nIn: y Out: no\nIn: x Out: ');
    expect(extractAnswer('the answer is ABC!', t.outputRegex)).toBe('ABC');
  });
  it('bad examples name the field', () => {
    expect(() => parseBigBenchTask({ examples: [{ input: 'x', target: 3 }] }, 't.json', 't')).toThrow(DataError);
    try {
      parseBigBenchTask({ examples: [{ input: 'x', target: 3 }] }, 't.json', 't');
    } catch (e) {
      expect((e as DataError).describe()).toBe('t.json: "examples[0].target": expected a string or a non-empty list of strings');
    }
  });
});

describe('JSONL tasks', () => {
  it('generation and multiple choice lines', () => {
    expect(parseJsonlTask('{"input": "2+2=", "target": "4"}\n{"input": "3+3=", "targets": ["6", "six"]}\n', 'a.jsonl', 'a').examples[1]!.targets).toEqual(['6', 'six']);
    const mc = parseJsonlTask('{"input": "Sky?", "choices": ["blue", "green"], "gold": 0}\n', 'b.jsonl', 'b');
    expect(mc.kind).toBe('multiple_choice');
    expect(mc.examples[0]!.targetScores).toEqual([1, 0]);
  });
  it('a bad line names file:line and field', () => {
    try {
      parseJsonlTask('{"input": "a", "target": "b"}\n{"input": "a", "target": null}\n', 'arith.jsonl', 't');
      throw new Error('no error');
    } catch (e) {
      expect((e as DataError).describe()).toBe('arith.jsonl:2: "target": expected string, got null');
    }
  });
});

describe('arithmetic generator', () => {
  it('n-digit operands, correct answers, distinct problems, deterministic for a seed', () => {
    const a = arithmeticExamples({ digits: 3, operation: 'mul', count: 300, seed: 5, split: 'test' });
    expect(new Set(a.map((e) => e.id)).size).toBe(300);
    for (const e of a) {
      const [x, y] = e.input.slice(0, -1).split('*').map(Number) as [number, number];
      expect(x).toBeGreaterThanOrEqual(100);
      expect(y).toBeLessThan(1000);
      expect(e.targets[0]).toBe(String(x * y));
    }
    expect(arithmeticExamples({ digits: 3, operation: 'mul', count: 300, seed: 5, split: 'test' })).toEqual(a);
  });
  it('train and test never share a problem, whatever the seeds', () => {
    const test = new Set(arithmeticExamples({ digits: 2, operation: 'add', count: 500, seed: 1, split: 'test' }).map((e) => e.id));
    const train = arithmeticExamples({ digits: 2, operation: 'add', count: 5000, seed: 99, split: 'train' });
    expect(train.some((e) => test.has(e.id))).toBe(false);
  });
  it('shots come from the train split', () => {
    const t = arithmeticTask('add', { digits: 3, operation: 'add', count: 20, seed: 2 });
    const p = buildPrompt(t, t.examples[0]!, 3, makeRng(1));
    expect(p.split('\n')).toHaveLength(4);
    expect(p.endsWith(t.examples[0]!.input)).toBe(true);
  });
  it('padded answers have the fixed width the lab trains on', () => {
    const e = arithmeticExamples({ digits: 3, operation: 'add', count: 50, seed: 2, split: 'test', padAnswer: true });
    expect(e.every((x) => x.targets[0]!.length === 4)).toBe(true);
    expect(e.map((x) => Number(x.targets[0]))).toEqual(arithmeticExamples({ digits: 3, operation: 'add', count: 50, seed: 2, split: 'test' }).map((x) => Number(x.targets[0])));
  });
  it('reversed answers are the padded answers least significant digit first, on the same problems', () => {
    const spec = { digits: 5, operation: 'add', count: 80, seed: 3, split: 'test' } as const;
    const padded = arithmeticExamples({ ...spec, padAnswer: true });
    const reversed = arithmeticExamples({ ...spec, reverseAnswer: true });
    expect(reversed.map((x) => x.id)).toEqual(padded.map((x) => x.id));
    reversed.forEach((x, i) => expect(x.targets[0]).toBe([...padded[i]!.targets[0]!].reverse().join('')));
    // 99999 + 99999 = 199998 reads 899991; 10000 + 10000 = 020000 reads 000020 (the padding zero last).
    expect(answerText(199998, 5, 'add', true)).toBe('899991');
    expect(answerText(20000, 5, 'add', true)).toBe('000020');
    expect(answerText(-7, 2, 'sub', true)).toBe('-70');
  });
  it('asking for more problems than the split holds is a RangeError', () => {
    expect(() => arithmeticExamples({ digits: 1, operation: 'add', count: 50, seed: 0, split: 'test' })).toThrow(RangeError);
  });
});

describe('answers', () => {
  it('last number (chain of thought), majority vote (self-consistency)', () => {
    expect(lastNumber('so 3 + 4 = 7, then 7 * 1,000 = 7,000.')).toBe('7000');
    expect(lastNumber('no digits')).toBe('');
    expect(majorityVote(['4', '5', '5', '4', '6'])).toBe('4');
    expect(majorityVote(['4', '5', '5'])).toBe('5');
  });
});
