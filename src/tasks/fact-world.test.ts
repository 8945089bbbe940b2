import { describe, expect, it } from 'vitest';
import { counterfactualValue, makeWorld, mentionsOf, rewriteFact, statedFacts, worldProblems, type WorldSpec } from './fact-world.js';
import { makeRng } from '../core/random/rng.js';

const spec: WorldSpec = { entities: 200, relations: 4, zipf: 0.7, maxMentions: 30, sentencesPerDoc: 2, seed: 7 };

describe('the synthetic fact world', () => {
  it('is the same world for the same seed and another for another seed', () => {
    const a = makeWorld(spec), b = makeWorld(spec);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = makeWorld({ ...spec, seed: 8 });
    expect(c.docs.map((d) => d.text)).not.toEqual(a.docs.map((d) => d.text));
  });

  it('has no contradiction and no disagreement between its texts, mention counts, supports and answers, over many seeds', () => {
    for (let seed = 0; seed < 20; seed++) {
      const w = makeWorld({ ...spec, seed, sentencesPerDoc: 1 + (seed % 4) });
      expect(worldProblems(w)).toEqual([]);
    }
  });

  it('the contradiction check catches a document that restates a fact with another value', () => {
    const w = makeWorld(spec);
    const q = w.questions.find((x) => x.supports.length >= 2)!;
    const wrong = counterfactualValue(w, q.fact, () => 0.5);
    const d = w.docs.findIndex((x) => x.id === q.supports[1]);
    const docs = w.docs.map((x, i) => (i === d ? { ...x, text: rewriteFact(x.text, w, q.fact, wrong) } : x));
    const problems = worldProblems({ ...w, docs });
    expect(problems.some((p) => p.startsWith(`${q.id}: ${q.answer} and ${wrong}`))).toBe(true);
  });

  it('mentions follow the Zipf popularity: the most popular fact in maxMentions documents, the tail in one', () => {
    const w = makeWorld(spec);
    expect(w.questions[0]!.supports.length).toBe(30);
    expect(w.questions.at(-1)!.supports.length).toBe(mentionsOf(200, spec));
    expect(mentionsOf(200, spec)).toBe(Math.max(1, Math.round(30 * 200 ** -0.7)));
    for (const q of w.questions) expect(q.supports.length).toBe(q.fact.mentions);
    // Deciles are tenths of the entities by rank: 20 entities × 4 relations each.
    for (let d = 1; d <= 10; d++) expect(w.facts.filter((f) => f.decile === d).length).toBe(80);
    expect(w.facts[0]!.decile).toBe(1);
    expect(w.facts.at(-1)!.decile).toBe(10);
  });

  it('documents hold sentencesPerDoc facts, never one twice, and each supporting document states its fact', () => {
    const w = makeWorld(spec);
    const total = w.facts.reduce((n, f) => n + f.mentions, 0);
    expect(w.docs.reduce((n, d) => n + d.facts.length, 0)).toBe(total);
    for (const d of w.docs) {
      expect(d.facts.length).toBeLessThanOrEqual(2);
      expect(new Set(d.facts).size).toBe(d.facts.length);
    }
    const byId = new Map(w.docs.map((d) => [d.id, d]));
    for (const q of w.questions) for (const id of q.supports) expect(byId.get(id)!.text).toContain(`${q.prompt}${q.answer}.`);
  });

  it('entity names are distinct and clash with no value or relation word', () => {
    const w = makeWorld({ ...spec, entities: 1000 });
    expect(new Set(w.entities).size).toBe(1000);
    const words = new Set(w.relations.flatMap((r) => [...r.values, ...r.phrase.split(' ')]));
    for (const e of w.entities) expect(words.has(e)).toBe(false);
  });

  it('reads facts back from text alone, ignoring sentences that are not facts', () => {
    const w = makeWorld(spec);
    expect([...statedFacts('bako lives in oslo. tiva owns a cat. the sky is blue. mero lives in atlantis.', w.relations)]).toEqual(['bako|city|oslo', 'tiva|pet|cat']);
  });

  it('a counterfactual rewrite changes only the one sentence', () => {
    const w = makeWorld(spec);
    const d = w.docs.find((x) => x.facts.length === 2)!;
    const fact = w.facts.find((f) => f.id === d.facts[0])!;
    const value = counterfactualValue(w, fact, makeRng(1).next);
    expect(value).not.toBe(fact.value);
    const text = rewriteFact(d.text, w, fact, value);
    expect(statedFacts(text, w.relations).has(`${fact.entity}|${fact.relation}|${value}`)).toBe(true);
    expect(text.split('. ')[1]).toBe(d.text.split('. ')[1]);
  });

  it('refuses a bad spec, naming the field', () => {
    expect(() => makeWorld({ ...spec, relations: 9 })).toThrow(/relations must be 1\.\.4, got 9/);
    expect(() => makeWorld({ ...spec, entities: 3 })).toThrow(/entities/);
  });
});
