import MiniSearch from 'minisearch';

/**
 * BM25 retrieval over a document collection, from MiniSearch (docs/experiments/rag-citations.md says
 * why this library). MiniSearch scores BM25+ and multiplies a document's sum by the number of query
 * terms it matched; with δ = 0 and that factor divided out, the score is Okapi BM25 with Lucene's
 * idf, log(1 + (N − n + 0.5) / (n + 0.5)), at k1 = 1.2, b = 0.75 (Robertson & Zaragoza 2009), where
 * MiniSearch takes a document's length to be its number of distinct terms.
 * Ties are broken by document id, so a ranking never depends on insertion order.
 */
export interface Passage {
  readonly id: string;
  readonly text: string;
}

export interface Hit {
  readonly id: string;
  readonly score: number;
}

/** Lowercase runs of letters and digits: the passages' words. */
export const terms = (text: string): string[] => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t !== '');

export const BM25_PARAMS = { k: 1.2, b: 0.75, d: 0 } as const;

export class Bm25Index {
  private readonly search: MiniSearch<Passage>;
  readonly size: number;

  constructor(passages: readonly Passage[]) {
    const seen = new Set<string>();
    for (const p of passages) {
      if (seen.has(p.id)) throw new RangeError(`passage id ${JSON.stringify(p.id)} appears twice`);
      seen.add(p.id);
    }
    // Our own tokenizer: MiniSearch's default keeps the empty token after a final full stop, which
    // would count in the document length.
    this.search = new MiniSearch<Passage>({ fields: ['text'], idField: 'id', tokenize: terms, searchOptions: { bm25: BM25_PARAMS, combineWith: 'OR', prefix: false, fuzzy: false } });
    this.search.addAll(passages);
    this.size = passages.length;
  }

  /** The k best passages for the query, best first. */
  top(query: string, k: number): Hit[] {
    const hits = this.search.search(query).map((r) => ({ id: String(r.id), score: r.score / Math.max(1, r.queryTerms.length) }));
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return hits.slice(0, k);
  }
}
