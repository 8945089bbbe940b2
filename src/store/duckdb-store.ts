import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { ConfigError } from '../core/errors.js';
import type { Sample, Score } from '../core/types.js';

/**
 * The results database: embedded DuckDB at a path. Runs, samples (everything a metric could need,
 * log-probabilities included) and scores. A sample is written exactly once: its (run, sample) key
 * is the primary key, batches go in one transaction, and a repeat is ignored, so a resumed run or
 * a retried batch can never count a sample twice. Secrets never reach it: the run's settings are
 * stored without headers, and cache keys hold the request body, never its headers.
 */
export interface RunRecord {
  readonly runId: string;
  readonly family: string;
  readonly model: string;
  readonly params: number;
  readonly task: string;
  readonly taskSource: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly versions: Readonly<Record<string, string>>;
}

export interface StoredSample {
  readonly sample: Sample;
  readonly rawOutput: string | null;
  /** Every generation of a self-consistency vote, in order. */
  readonly paths: readonly string[] | null;
  /** The target's tokens as the server split them (for the viewer). */
  readonly targetTokens: readonly string[] | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly scores: readonly Score[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run_id VARCHAR PRIMARY KEY, created TIMESTAMP DEFAULT current_timestamp, family VARCHAR, model VARCHAR,
  params DOUBLE, task VARCHAR, task_source VARCHAR, settings VARCHAR, seed BIGINT, versions VARCHAR);
CREATE TABLE IF NOT EXISTS samples (
  run_id VARCHAR, sample_id VARCHAR, example_id VARCHAR, kind VARCHAR, prompt VARCHAR, raw_output VARCHAR, output VARCHAR,
  targets VARCHAR, choices VARCHAR, choice_logliks VARCHAR, gold VARCHAR, target_scores VARCHAR,
  target_token_logprobs VARCHAR, target_token_greedy VARCHAR, target_loglik DOUBLE, attempts VARCHAR, paths VARCHAR,
  latency_ms DOUBLE, error VARCHAR, target_tokens VARCHAR, PRIMARY KEY (run_id, sample_id));
ALTER TABLE samples ADD COLUMN IF NOT EXISTS sq_error DOUBLE;
CREATE TABLE IF NOT EXISTS scores (
  run_id VARCHAR, sample_id VARCHAR, metric VARCHAR, value DOUBLE, tokenizer VARCHAR, PRIMARY KEY (run_id, sample_id, metric));
CREATE TABLE IF NOT EXISTS cache (key VARCHAR PRIMARY KEY, response VARCHAR);
CREATE TABLE IF NOT EXISTS sweep_jobs (
  job_id VARCHAR PRIMARY KEY, kind VARCHAR, worker VARCHAR, seconds DOUBLE, finished TIMESTAMP DEFAULT current_timestamp);
`;

/** A sweep job as its worker records it once done: the store then says which jobs it holds. */
export interface JobRecord {
  readonly jobId: string;
  readonly kind: string;
  readonly worker: string;
  readonly seconds: number;
}

/** The tables a shard brings to the collected store, in an order where a run precedes its samples. */
export const MERGED_TABLES = ['runs', 'samples', 'scores', 'cache', 'sweep_jobs'] as const;
export type MergedTable = (typeof MERGED_TABLES)[number];

const j = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

export class DuckStore {
  /**
   * Every statement, reads included, takes its turn on the one connection. A DuckDB connection runs
   * one statement at a time: an appender flushed while a read of the same connection was executing
   * failed ("unsuccessful or closed pending query result"), and a read in between would run inside a
   * batch's open transaction. A resumed eval reads cache hits while it writes batches: there it bit.
   */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance, private readonly conn: DuckDBConnection, readonly path: string,
    private readonly onClose?: () => void, private readonly onWrite?: (what: string) => void,
  ) {}

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A write that fails is one error naming the store (exit 2), not DuckDB's stack. */
  private writing<T>(what: string, f: () => Promise<T>): Promise<T> {
    const run = this.onWrite ? (): Promise<T> => (this.onWrite!(what), f()) : f;
    return this.exclusive(run).catch((e: unknown) => {
      const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      throw new ConfigError(`the store could not be written (${what}): ${msg}`, { code: 'STORE_WRITE', file: this.path, hint: 'is the disk full or the file read-only? what was written before is kept: rerun with --resume' });
    });
  }

  /**
   * Read-only opens share the file with other readers; a writer holds it alone (DuckDB's file lock).
   * `file` is what is opened, `path` what the store is called (a snapshot is named for its source);
   * `onClose` runs after the database is closed (a snapshot removes its copy); `onWrite` hears each
   * write as it starts (a sweep worker's --verbose trace).
   */
  static async open(file: string, opts: { readOnly?: boolean; path?: string; onClose?: () => void; onWrite?: (what: string) => void } = {}): Promise<DuckStore> {
    const instance = await DuckDBInstance.create(file, opts.readOnly ? { access_mode: 'READ_ONLY' } : {});
    const conn = await instance.connect();
    if (!opts.readOnly) await conn.run(SCHEMA);
    return new DuckStore(instance, conn, opts.path ?? file, opts.onClose, opts.onWrite);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
    this.onClose?.();
  }

  upsertRun(r: RunRecord): Promise<void> {
    return this.writing('the run record', async () => {
      await this.conn.run(
      'INSERT INTO runs (run_id, family, model, params, task, task_source, settings, seed, versions) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING',
      [r.runId, r.family, r.model, r.params, r.task, r.taskSource, JSON.stringify(r.settings), r.seed, JSON.stringify(r.versions)],
      );
    });
  }

  /** Deletes every run not listed, with its samples and scores (an experiment re-planned drops its stale runs). */
  keepOnlyRuns(runIds: readonly string[]): Promise<void> {
    return this.writing('dropping stale runs', async () => {
      const list = runIds.map((_, i) => `$${i + 1}`).join(',') || 'NULL';
      for (const table of ['scores', 'samples', 'runs']) await this.conn.run(`DELETE FROM ${table} WHERE run_id NOT IN (${list})`, [...runIds]);
    });
  }

  /** Sample ids already stored for a run; `withErrors: false` leaves out samples that failed (for --retry-errors). */
  async doneSampleIds(runId: string, withErrors = true): Promise<Set<string>> {
    const r = await this.exclusive(() => this.conn.runAndReadAll(`SELECT sample_id FROM samples WHERE run_id = $1${withErrors ? '' : ' AND error IS NULL'}`, [runId]));
    return new Set(r.getRows().map((row) => String(row[0])));
  }

  deleteErrored(runId: string): Promise<number> {
    return this.writing('deleting errored samples', () => this.deleteErroredNow(runId));
  }

  private async deleteErroredNow(runId: string): Promise<number> {
    const r = await this.conn.runAndReadAll('SELECT count(*) FROM samples WHERE run_id = $1 AND error IS NOT NULL', [runId]);
    const n = Number(r.getRows()[0]![0]);
    await this.conn.run('DELETE FROM scores WHERE run_id = $1 AND sample_id IN (SELECT sample_id FROM samples WHERE run_id = $1 AND error IS NOT NULL)', [runId]);
    await this.conn.run('DELETE FROM samples WHERE run_id = $1 AND error IS NOT NULL', [runId]);
    return n;
  }

  /** Write a batch of samples with their scores in one transaction; samples already stored are skipped. */
  writeSamples(runId: string, batch: readonly StoredSample[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    return this.writing(`${batch.length} samples`, () => this.writeSamplesNow(runId, batch));
  }

  private async writeSamplesNow(runId: string, batch: readonly StoredSample[]): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const sampleRows: DuckDBValue[] = [];
      const scoreRows: DuckDBValue[] = [];
      for (const b of batch) {
        const s = b.sample;
        sampleRows.push(
          runId, s.id, s.exampleId, s.kind, s.prompt, b.rawOutput, s.output, j(s.targets), j(s.choices), j(s.choiceLogliks), j(s.gold),
          j(s.targetScores), j(s.targetTokenLogprobs), j(s.targetTokenGreedy), s.targetLoglik, j(s.attempts), j(b.paths), b.latencyMs, b.error, j(b.targetTokens),
          s.squaredError ?? null,
        );
        for (const sc of b.scores) scoreRows.push(runId, sc.sampleId, sc.metric, sc.value, sc.tokenizer);
      }
      await this.insertMany('samples', 21, sampleRows);
      await this.insertMany('scores', 5, scoreRows);
      await this.conn.run('COMMIT');
    } catch (e) {
      // The batch's own error is the one to report, even if the rollback fails too.
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * Bulk insert that skips rows already present: rows go through DuckDB's appender into a temporary
   * staging table of the same columns (about 100× faster than bound INSERT statements), then move
   * over with ON CONFLICT DO NOTHING, inside the caller's transaction.
   */
  private async insertMany(table: string, width: number, flat: DuckDBValue[]): Promise<void> {
    if (flat.length === 0) return;
    const stage = `${table}_stage`;
    await this.conn.run(`CREATE TEMP TABLE IF NOT EXISTS ${stage} AS SELECT * FROM ${table} LIMIT 0`);
    const ap = await this.conn.createAppender(stage, 'main', 'temp');
    try {
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (v === null || v === undefined) ap.appendNull();
        else if (typeof v === 'number') ap.appendDouble(v);
        else ap.appendVarchar(String(v));
        if ((i + 1) % width === 0) ap.endRow();
      }
      ap.flushSync();
    } finally {
      ap.closeSync();
    }
    await this.conn.run(`INSERT INTO ${table} SELECT * FROM ${stage} ON CONFLICT DO NOTHING`);
    await this.conn.run(`DELETE FROM ${stage}`);
  }

  /** Records a sweep job as done in this store (a repeat, from a retried job, is ignored). */
  recordJob(r: JobRecord): Promise<void> {
    return this.writing('the job record', async () => {
      await this.conn.run('INSERT INTO sweep_jobs (job_id, kind, worker, seconds) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING', [r.jobId, r.kind, r.worker, r.seconds]);
    });
  }

  async doneJobIds(): Promise<Set<string>> {
    const r = await this.exclusive(() => this.conn.runAndReadAll('SELECT job_id FROM sweep_jobs'));
    return new Set(r.getRows().map((row) => String(row[0])));
  }

  /**
   * Merges another store (a worker's shard) into this one in one transaction, keyed as every write
   * is: a row whose key is already here is skipped, so a job retried on two workers, or a shard
   * merged twice, counts once. A sample stored without an error wins over an errored copy of it.
   * Returns the rows each table gained.
   */
  mergeFrom(shard: string): Promise<Readonly<Record<MergedTable, number>>> {
    return this.writing(`merging ${shard}`, async () => {
      await this.conn.run(`ATTACH '${shard.replace(/'/g, "''")}' AS shard (READ_ONLY)`);
      try {
        await this.conn.run('BEGIN TRANSACTION');
        try {
          const gained = {} as Record<MergedTable, number>;
          const count = async (t: string): Promise<number> => Number((await this.conn.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0]![0]);
          // Errored copies first leave the way for a clean copy in the shard: drop them where the shard has one.
          await this.conn.run(`DELETE FROM scores WHERE (run_id, sample_id) IN (SELECT s.run_id, s.sample_id FROM samples s JOIN shard.samples o USING (run_id, sample_id) WHERE s.error IS NOT NULL AND o.error IS NULL)`);
          await this.conn.run(`DELETE FROM samples WHERE (run_id, sample_id) IN (SELECT s.run_id, s.sample_id FROM samples s JOIN shard.samples o USING (run_id, sample_id) WHERE s.error IS NOT NULL AND o.error IS NULL)`);
          for (const t of MERGED_TABLES) {
            const before = await count(t);
            await this.conn.run(`INSERT INTO ${t} BY NAME SELECT * FROM shard.${t} ON CONFLICT DO NOTHING`);
            gained[t] = (await count(t)) - before;
          }
          await this.conn.run('COMMIT');
          return gained;
        } catch (e) {
          await this.conn.run('ROLLBACK').catch(() => undefined);
          throw e;
        }
      } finally {
        await this.conn.run('DETACH shard');
      }
    });
  }

  async cacheGet(key: string): Promise<string | null> {
    const r = await this.exclusive(() => this.conn.runAndReadAll('SELECT response FROM cache WHERE key = $1', [key]));
    const row = r.getRows()[0];
    return row ? String(row[0]) : null;
  }

  async cachePut(key: string, response: string): Promise<void> {
    await this.writing('a cache entry', () => this.conn.run('INSERT INTO cache VALUES ($1, $2) ON CONFLICT DO NOTHING', [key, response]));
  }

  /** Many cache entries in multi-row statements (each atomic; no explicit transaction to collide with a sample batch's). */
  cachePutMany(entries: readonly (readonly [string, string])[]): Promise<void> {
    return this.writing(`${entries.length} cache entries`, () => this.insertMany('cache', 2, entries.flatMap(([k, v]) => [k, v])));
  }

  async cacheKeys(): Promise<Set<string>> {
    const r = await this.exclusive(() => this.conn.runAndReadAll('SELECT key FROM cache'));
    return new Set(r.getRows().map((row) => String(row[0])));
  }

  async query(sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    const r = await this.exclusive(() => this.conn.runAndReadAll(sql, params));
    return r.getRowObjects() as Record<string, unknown>[];
  }

  /** COPY a table (or the scores joined to their runs) to a file in csv, json or parquet. */
  async export(what: 'runs' | 'samples' | 'scores', format: 'csv' | 'json' | 'parquet', file: string): Promise<void> {
    const fmt = format === 'csv' ? "(FORMAT csv, HEADER)" : format === 'json' ? "(FORMAT json, ARRAY true)" : '(FORMAT parquet)';
    const src = what === 'scores'
      ? '(SELECT r.family, r.model, r.params, r.task, s.* FROM scores s JOIN runs r USING (run_id) ORDER BY r.family, r.params, r.task, s.sample_id, s.metric)'
      : `(SELECT * FROM ${what} ORDER BY ALL)`;
    await this.exclusive(() => this.conn.run(`COPY ${src} TO '${file.replace(/'/g, "''")}' ${fmt}`));
  }
}

const parse = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(String(v)) as T));

/** The stored samples of a run, as Samples again (errored ones left out). */
export async function loadStoredSamples(store: DuckStore, runId: string, model: string, task: string): Promise<Sample[]> {
  const rows = await store.query('SELECT * FROM samples WHERE run_id = $1 AND error IS NULL ORDER BY sample_id', [runId]);
  return rows.map((r) => {
    const tokenGreedy = parse<boolean[]>(r.target_token_greedy);
    return {
    id: String(r.sample_id),
    model,
    task,
    exampleId: String(r.example_id),
    kind: String(r.kind) as Sample['kind'],
    prompt: r.prompt === null ? null : String(r.prompt),
    output: r.output === null ? null : String(r.output),
    targets: parse<string[]>(r.targets) ?? [],
    choices: parse<string[]>(r.choices),
    choiceLogliks: parse<number[]>(r.choice_logliks),
    gold: parse<number[]>(r.gold),
    targetScores: parse<number[]>(r.target_scores),
    targetTokenLogprobs: parse<number[]>(r.target_token_logprobs),
    targetTokenGreedy: tokenGreedy,
    targetLoglik: r.target_loglik === null ? null : Number(r.target_loglik),
    attempts: parse<boolean[]>(r.attempts),
    greedy: String(r.kind) === 'loglikelihood' && tokenGreedy !== null ? tokenGreedy.every(Boolean) : null,
    squaredError: r.sq_error === null || r.sq_error === undefined ? null : Number(r.sq_error),
    source: { file: `${store.path}#${runId}` },
  };
  });
}
