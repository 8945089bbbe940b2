/**
 * Citation recall and precision of ALCE (Gao, Yen, Yu, Chen 2023, "Enabling Large Language Models to
 * Generate Text with Citations", arXiv 2305.14627, §3 and its eval.py), with entailment given as a
 * function rather than an NLI model:
 * - a statement's citation recall is 1 iff it cites at least one passage, every citation is in range,
 *   and the cited passages together entail it; else 0;
 * - a citation is irrelevant iff the statement is jointly entailed, it cites more than one passage,
 *   that passage alone does not entail it, and the other citations still do; every other citation of
 *   a jointly entailed statement counts as precise, and none of an unentailed one does;
 * - an answer's recall is the mean over its statements; its precision the precise citations over all
 *   citations (0 with none). Like eval.py, only the first `atMostCitations` citations of a statement
 *   count (ALCE's default 3), and out-of-range citations make the statement unsupported without
 *   entering the citation count. Citations are 1-based as written; 0 is out of range.
 */
export interface CitedStatement<S> {
  readonly statement: S;
  /** Passage numbers as written in the text ([1] is 1), in order, repeats kept. */
  readonly citations: readonly number[];
}

export interface AlceScore {
  /** Mean over statements of joint support (null for an answer with no statements). */
  readonly recall: number | null;
  /** Precise citations over citations (0 when nothing was cited, as ALCE scores it; null with no statements). */
  readonly precision: number | null;
  readonly statements: number;
  readonly citations: number;
  /** Statements citing more than one passage, those jointly supported, and irrelevant citations among them. */
  readonly multiCited: number;
  readonly multiCitedSupported: number;
  readonly irrelevant: number;
}

/** `entails(passages, s)`: do these passages (0-based indices into the answer's passages) together entail s? */
export type Entails<S> = (passages: readonly number[], statement: S) => boolean;

export function alceCitations<S>(items: readonly CitedStatement<S>[], passageCount: number, entails: Entails<S>, atMostCitations = 3): AlceScore {
  let entailed = 0, precise = 0, citations = 0, multiCited = 0, multiSupported = 0, irrelevant = 0;
  for (const { statement, citations: cited } of items) {
    const refs = cited.map((n) => n - 1);
    let joint: boolean;
    let used: number[] = [];
    if (refs.length === 0 || refs.some((r) => r < 0 || r >= passageCount)) joint = false;
    else {
      used = refs.slice(0, atMostCitations);
      citations += used.length;
      joint = entails(used, statement);
    }
    if (joint) entailed++;
    if (used.length > 1) multiCited++;
    if (joint && used.length > 1) {
      multiSupported++;
      used.forEach((r, at) => {
        if (entails([r], statement)) { precise++; return; }
        // One occurrence out, as eval.py's list.remove: a repeated citation still leaves its twin.
        const rest = used.filter((_, i) => i !== at);
        if (entails(rest, statement)) irrelevant++;
        else precise++;
      });
    } else if (joint) precise++;
  }
  if (items.length === 0) return { recall: null, precision: null, statements: 0, citations: 0, multiCited: 0, multiCitedSupported: 0, irrelevant: 0 };
  return { recall: entailed / items.length, precision: citations === 0 ? 0 : precise / citations, statements: items.length, citations, multiCited, multiCitedSupported: multiSupported, irrelevant };
}

/**
 * Exact entailment where passages and statements are sets of atomic facts: passages entail a
 * statement iff the union of the facts they state holds every fact of the statement (an empty
 * statement is entailed by nothing: it says nothing that could be attributed).
 */
export function factEntailment(passageFacts: readonly ReadonlySet<string>[]): Entails<readonly string[]> {
  return (passages, statement) => {
    if (statement.length === 0) return false;
    return statement.every((f) => passages.some((p) => passageFacts[p]?.has(f) === true));
  };
}
