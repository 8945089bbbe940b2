import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng, type Rng } from '../core/random/rng.js';
import { shuffle } from '../core/random/shuffle.js';

/**
 * A synthetic world with ground truth, for closed-book recall and retrieval with citations: named
 * entities × relations, each (entity, relation) one fact with one value. Entities have a Zipf
 * popularity (rank r of n mentioned max(1, round(maxMentions · r^-zipf)) times per fact, as in the
 * long tail of Kandpal et al. 2023 and Mallen et al. 2023's PopQA); every mention is one sentence
 * "bako lives in oslo." and the mentions are shuffled and packed into short documents, so a fact
 * appears in as many documents as it has mentions and every other sentence of a supporting document
 * is a distractor (often about the same relation or the same entity). A question is the fact's cloze
 * ("bako lives in ") with its answer and the ids of the documents that state it.
 *
 * Everything is a function of the spec: the same seed gives the same world, byte for byte.
 */
export interface Relation {
  readonly id: string;
  /** The words between the entity and the value: "bako lives in oslo." */
  readonly phrase: string;
  readonly values: readonly string[];
}

/** Value sets are disjoint across relations and every value is one lowercase word. */
export const RELATIONS: readonly Relation[] = [
  { id: 'city', phrase: 'lives in', values: ['oslo', 'lima', 'cairo', 'paris', 'delhi', 'tokyo', 'quito', 'dakar', 'seoul', 'minsk', 'accra', 'hanoi'] },
  { id: 'job', phrase: 'works as a', values: ['cook', 'nurse', 'pilot', 'baker', 'judge', 'clerk', 'miner', 'tutor', 'guard', 'smith'] },
  { id: 'pet', phrase: 'owns a', values: ['cat', 'dog', 'owl', 'goat', 'horse', 'parrot', 'camel', 'lizard', 'pony', 'duck'] },
  { id: 'sport', phrase: 'plays', values: ['chess', 'golf', 'polo', 'rugby', 'tennis', 'squash', 'hockey', 'cricket', 'bridge', 'darts'] },
];

export interface WorldSpec {
  readonly entities: number;
  /** The first this many of RELATIONS. */
  readonly relations: number;
  readonly zipf: number;
  /** Mentions of each fact of the most popular entity. */
  readonly maxMentions: number;
  readonly sentencesPerDoc: number;
  readonly seed: number;
}

export interface Fact {
  /** `<entity>.<relation>`, unique. */
  readonly id: string;
  readonly entity: string;
  /** Popularity rank of the entity, 1 = most popular. */
  readonly rank: number;
  /** 1 (the most popular tenth of the entities) to 10 (the least popular). */
  readonly decile: number;
  readonly relation: string;
  readonly value: string;
  /** Sentences stating it in the collection (= documents that support it). */
  readonly mentions: number;
}

export interface Doc {
  readonly id: string;
  readonly text: string;
  /** Ids of the facts its sentences state, in order. */
  readonly facts: readonly string[];
}

export interface Question {
  /** The fact's id. */
  readonly id: string;
  readonly fact: Fact;
  /** The cloze: "bako lives in " (the answer follows). */
  readonly prompt: string;
  readonly answer: string;
  /** Ids of the documents that state the fact. */
  readonly supports: readonly string[];
}

export interface World {
  readonly spec: WorldSpec;
  readonly relations: readonly Relation[];
  /** Entity names, most popular first. */
  readonly entities: readonly string[];
  readonly facts: readonly Fact[];
  readonly docs: readonly Doc[];
  readonly questions: readonly Question[];
}

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';

export function relationById(relations: readonly Relation[], id: string): Relation {
  const r = relations.find((x) => x.id === id);
  if (!r) throw new RangeError(`no relation ${JSON.stringify(id)}`);
  return r;
}

export const sentenceOf = (entity: string, relation: Relation, value: string): string => `${entity} ${relation.phrase} ${value}.`;
export const clozeOf = (entity: string, relation: Relation): string => `${entity} ${relation.phrase} `;

export function mentionsOf(rank: number, spec: Pick<WorldSpec, 'maxMentions' | 'zipf'>): number {
  return Math.max(1, Math.round(spec.maxMentions * rank ** -spec.zipf));
}

/** Distinct two-syllable names (CV-CV or CVC-CV), none equal to a value or relation word. */
function drawNames(n: number, rng: Rng, reserved: ReadonlySet<string>): string[] {
  const pick = (s: string): string => s[Math.floor(rng.next() * s.length)]!;
  const space = CONSONANTS.length ** 2 * VOWELS.length ** 2 * 2;
  if (n > space / 4) throw new RangeError(`at most ${Math.floor(space / 4)} entities, got ${n}`);
  const out = new Set<string>();
  while (out.size < n) {
    const name = pick(CONSONANTS) + pick(VOWELS) + (rng.next() < 0.5 ? pick(CONSONANTS) : '') + pick(CONSONANTS) + pick(VOWELS);
    if (!reserved.has(name)) out.add(name);
  }
  return [...out];
}

export function validateWorldSpec(s: WorldSpec): void {
  const bad = (field: string, want: string, got: number): never => { throw new RangeError(`world spec: ${field} must be ${want}, got ${got}`); };
  if (!(Number.isInteger(s.entities) && s.entities >= 10)) bad('entities', 'a whole number >= 10', s.entities);
  if (!(Number.isInteger(s.relations) && s.relations >= 1 && s.relations <= RELATIONS.length)) bad('relations', `1..${RELATIONS.length}`, s.relations);
  if (!(s.zipf >= 0 && s.zipf <= 4)) bad('zipf', 'in [0, 4]', s.zipf);
  if (!(Number.isInteger(s.maxMentions) && s.maxMentions >= 1)) bad('maxMentions', 'a whole number >= 1', s.maxMentions);
  if (!(Number.isInteger(s.sentencesPerDoc) && s.sentencesPerDoc >= 1 && s.sentencesPerDoc <= 8)) bad('sentencesPerDoc', '1..8', s.sentencesPerDoc);
}

export function makeWorld(spec: WorldSpec): World {
  validateWorldSpec(spec);
  const relations = RELATIONS.slice(0, spec.relations);
  const reserved = new Set(relations.flatMap((r) => [...r.values, ...r.phrase.split(' ')]));
  const entities = drawNames(spec.entities, makeRng(deriveSeed(spec.seed, 'names')), reserved);
  const valueRng = makeRng(deriveSeed(spec.seed, 'values'));
  const facts: Fact[] = entities.flatMap((entity, i) => relations.map((r): Fact => ({
    id: `${entity}.${r.id}`, entity, rank: i + 1, decile: Math.floor((i * 10) / spec.entities) + 1, relation: r.id,
    value: r.values[Math.floor(valueRng.next() * r.values.length)]!, mentions: mentionsOf(i + 1, spec),
  })));
  const byId = new Map(facts.map((f) => [f.id, f]));
  // Every mention once, shuffled, then cut into documents; a document never states one fact twice
  // (a later mention is swapped in), so "mentions" is also the count of supporting documents.
  const mentions = shuffle(facts.flatMap((f) => Array.from({ length: f.mentions }, () => f.id)), makeRng(deriveSeed(spec.seed, 'mentions')));
  const docs: Doc[] = [];
  let i = 0;
  while (i < mentions.length) {
    const ids: string[] = [];
    while (ids.length < spec.sentencesPerDoc && i < mentions.length) {
      let j = i;
      while (j < mentions.length && ids.includes(mentions[j]!)) j++;
      // Only repeats are left for this document: it stays short and the next one takes them.
      if (j === mentions.length) break;
      [mentions[i], mentions[j]] = [mentions[j]!, mentions[i]!];
      ids.push(mentions[i++]!);
    }
    const text = ids.map((id) => { const f = byId.get(id)!; return sentenceOf(f.entity, relationById(relations, f.relation), f.value); }).join(' ');
    docs.push({ id: `d${String(docs.length + 1).padStart(5, '0')}`, text, facts: ids });
  }
  const supports = new Map<string, string[]>();
  for (const d of docs) for (const f of d.facts) supports.set(f, [...(supports.get(f) ?? []), d.id]);
  const questions = facts.map((f): Question => ({ id: f.id, fact: f, prompt: clozeOf(f.entity, relationById(relations, f.relation)), answer: f.value, supports: supports.get(f.id) ?? [] }));
  return { spec, relations, entities, facts, docs, questions };
}

/**
 * The facts a text states, read back from its words alone (not from the generator's bookkeeping):
 * every sentence "<entity> <phrase> <value>." of a known relation and value, as `entity|relation|value`.
 * This is the world's exact entailment: a set of passages entails a statement iff the union of the
 * facts they state contains every fact of the statement.
 */
export function statedFacts(text: string, relations: readonly Relation[]): Set<string> {
  const out = new Set<string>();
  for (const sentence of text.split('.')) {
    const s = sentence.trim();
    if (s === '') continue;
    for (const r of relations) {
      const m = new RegExp(`^([a-z]+) ${r.phrase} ([a-z]+)$`).exec(s);
      if (m && r.values.includes(m[2]!)) out.add(factKey(m[1]!, r.id, m[2]!));
    }
  }
  return out;
}

export const factKey = (entity: string, relation: string, value: string): string => `${entity}|${relation}|${value}`;

/**
 * Problems of a world, read from its texts: two values for one (entity, relation), a sentence that
 * is not a fact, mention counts or supports that disagree with the texts, a question whose answer is
 * not what the documents say. Empty for a sound world.
 */
export function worldProblems(w: World): string[] {
  const problems: string[] = [];
  const valueOf = new Map<string, string>();
  const docsOf = new Map<string, string[]>();
  for (const d of w.docs) {
    const stated = statedFacts(d.text, w.relations);
    const sentences = d.text.split('.').filter((s) => s.trim() !== '').length;
    if (stated.size !== sentences) problems.push(`${d.id}: ${sentences} sentences but ${stated.size} distinct facts`);
    for (const key of stated) {
      const [entity, relation, value] = key.split('|') as [string, string, string];
      const id = `${entity}.${relation}`;
      const seen = valueOf.get(id);
      if (seen !== undefined && seen !== value) problems.push(`${id}: ${seen} and ${value} (in ${d.id})`);
      valueOf.set(id, value);
      docsOf.set(id, [...(docsOf.get(id) ?? []), d.id]);
    }
  }
  for (const q of w.questions) {
    const docs = docsOf.get(q.id) ?? [];
    if (valueOf.get(q.id) !== q.answer) problems.push(`${q.id}: the answer ${q.answer} but the documents say ${valueOf.get(q.id) ?? 'nothing'}`);
    if (docs.length !== q.fact.mentions) problems.push(`${q.id}: ${q.fact.mentions} mentions planned, ${docs.length} in the documents`);
    if (docs.join(',') !== q.supports.join(',')) problems.push(`${q.id}: supports ${q.supports.join(',')} but stated in ${docs.join(',')}`);
  }
  return problems;
}

/** A value of the fact's relation other than the true one, drawn by `next`: the counterfactual of an index swap. */
export function counterfactualValue(w: World, fact: Fact, next: () => number): string {
  const others = relationById(w.relations, fact.relation).values.filter((v) => v !== fact.value);
  return others[Math.floor(next() * others.length)]!;
}

/** A document's text with the fact's sentence restated with another value (the rest untouched). */
export function rewriteFact(text: string, w: World, fact: Fact, value: string): string {
  const r = relationById(w.relations, fact.relation);
  return text.split(sentenceOf(fact.entity, r, fact.value)).join(sentenceOf(fact.entity, r, value));
}
