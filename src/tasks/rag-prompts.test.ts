import { describe, expect, it } from 'vitest';
import { makeWorld, statedFacts } from './fact-world.js';
import { answerWord, closedPrompt, openCompletion, openPrompt, openSequenceBound, parseCitations, retrieveAll, supportingPositions, swapPassages, RAG_ALPHABET } from './rag-prompts.js';

const world = makeWorld({ entities: 60, relations: 4, zipf: 0.6, maxMentions: 10, sentencesPerDoc: 2, seed: 11 });
const text = new Map(world.docs.map((d) => [d.id, d.text]));

describe('prompts of the fact world', () => {
  it('closed book asks the cloze; with retrieval the numbered passages come first', () => {
    const q = world.questions[0]!;
    expect(closedPrompt(q)).toBe(q.prompt);
    expect(openPrompt(['a b.', 'c d.'], q)).toBe(`[1] a b.\n[2] c d.\nq: ${q.prompt}`);
    expect(openCompletion('oslo', [1, 3])).toBe('oslo [1][3]\n');
    expect(openCompletion('oslo', [])).toBe('oslo\n');
  });

  it('reads the answer word and the first line\'s citations, repeats kept, later lines ignored', () => {
    expect(answerWord(' oslo [2]')).toBe('oslo');
    expect(answerWord('[2]')).toBe('');
    expect(parseCitations('oslo [2][1] [2]\n[3]')).toEqual([2, 1, 2]);
    expect(parseCitations('oslo')).toEqual([]);
  });

  it('retrieval finds a supporting document for most questions, and supportingPositions agrees with the texts', () => {
    const retrieved = retrieveAll(world, 3);
    let found = 0;
    for (const q of world.questions) {
      const ids = retrieved.get(q.id)!;
      expect(ids.length).toBe(3);
      const ps = ids.map((id) => text.get(id)!);
      const pos = supportingPositions(ps, world, q.fact.entity, q.fact.relation, q.fact.value);
      expect(pos).toEqual(ids.flatMap((id, i) => (q.supports.includes(id) ? [i + 1] : [])));
      if (pos.length) found++;
    }
    expect(found / world.questions.length).toBeGreaterThan(0.9);
  });

  it('an index swap restates the fact with another value in every retrieved passage that states it, and nothing else', () => {
    const retrieved = retrieveAll(world, 3);
    for (const q of world.questions.slice(0, 50)) {
      const ps = retrieved.get(q.id)!.map((id) => text.get(id)!);
      const s = swapPassages(world, q, ps, 4);
      const supported = supportingPositions(ps, world, q.fact.entity, q.fact.relation, q.fact.value);
      if (supported.length === 0) { expect(s).toBeNull(); continue; }
      expect(s!.value).not.toBe(q.answer);
      expect(supportingPositions(s!.passages, world, q.fact.entity, q.fact.relation, q.fact.value)).toEqual([]);
      expect(supportingPositions(s!.passages, world, q.fact.entity, q.fact.relation, s!.value)).toEqual(supported);
      s!.passages.forEach((p, i) => {
        const before = statedFacts(ps[i]!, world.relations), after = statedFacts(p, world.relations);
        expect(after.size).toBe(before.size);
      });
      expect(swapPassages(world, q, ps, 4)).toEqual(s);
    }
  });

  it('bounds every sequence a member may see, swapped values and k citations included, in the alphabet', () => {
    const retrieved = retrieveAll(world, 3);
    const bound = openSequenceBound(world, retrieved, 3);
    for (const q of world.questions) {
      const ps = retrieved.get(q.id)!.map((id) => text.get(id)!);
      const s = swapPassages(world, q, ps, 4);
      const longest = openPrompt(s?.passages ?? ps, q) + openCompletion('parrot', [1, 2, 3]);
      expect(longest.length).toBeLessThanOrEqual(bound);
      for (const ch of longest) expect(RAG_ALPHABET.includes(ch)).toBe(true);
    }
  });
});
