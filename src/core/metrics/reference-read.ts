import type { Label } from './brier-loss.js';

/** Typed reads of the caller's (untyped) inputs and options; each error names the field. */
export class Read {
  constructor(private readonly where: string, private readonly bag: Readonly<Record<string, unknown>>) {}
  has(k: string): boolean {
    return this.bag[k] !== undefined;
  }
  private fail(k: string, want: string): never {
    const v = this.bag[k];
    throw new RangeError(`${this.where} "${k}": expected ${want}, got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? JSON.stringify(v) : typeof v}`);
  }
  str(k: string): string {
    const v = this.bag[k];
    return typeof v === 'string' ? v : this.fail(k, 'a string');
  }
  strs(k: string): string[] {
    const v = this.bag[k];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : this.fail(k, 'a list of strings');
  }
  strss(k: string): string[][] {
    const v = this.bag[k];
    return Array.isArray(v) && v.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'string')) ? (v as string[][]) : this.fail(k, 'a list of lists of strings (references per segment)');
  }
  num(k: string, dflt?: number): number {
    const v = this.bag[k];
    if (v === undefined && dflt !== undefined) return dflt;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(k, 'a finite number');
  }
  int(k: string, dflt?: number, min = 0): number {
    const v = this.num(k, dflt);
    return Number.isInteger(v) && v >= min ? v : this.fail(k, `a whole number >= ${min}`);
  }
  nums(k: string): number[] {
    const v = this.bag[k];
    return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : this.fail(k, 'a list of finite numbers');
  }
  numss(k: string): number[][] {
    const v = this.bag[k];
    return Array.isArray(v) && v.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number' && Number.isFinite(x))) ? (v as number[][]) : this.fail(k, 'a list of lists of numbers');
  }
  bool(k: string, dflt: boolean): boolean {
    const v = this.bag[k];
    if (v === undefined) return dflt;
    return typeof v === 'boolean' ? v : this.fail(k, 'true or false');
  }
  oneOf<T extends string>(k: string, allowed: readonly T[], dflt: T): T {
    const v = this.bag[k];
    if (v === undefined) return dflt;
    return allowed.includes(v as T) ? (v as T) : this.fail(k, `one of ${allowed.join(', ')}`);
  }
  gold(k: string): number[] {
    const v = this.bag[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return [v];
    return Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0) ? (v as number[]) : this.fail(k, 'a choice index or a list of them');
  }
  label(k: string): Label | undefined {
    const v = this.bag[k];
    if (v === undefined) return undefined;
    return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : this.fail(k, 'a number, string or boolean label');
  }
  labels(k: string): Label[] {
    const v = this.bag[k];
    return Array.isArray(v) && v.every((x) => ['number', 'string', 'boolean'].includes(typeof x)) ? (v as Label[]) : this.fail(k, 'a list of labels (numbers, strings or booleans)');
  }
  /** A string, or a list of items (RapidFuzz compares any sequence of hashables). */
  seq(k: string): string | (string | number)[] {
    const v = this.bag[k];
    if (typeof v === 'string') return v;
    return Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number') ? (v as (string | number)[]) : this.fail(k, 'a string or a list of strings/numbers');
  }
  raw(k: string): unknown {
    return this.bag[k];
  }
}
