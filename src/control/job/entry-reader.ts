/**
 * Reads the fields of one table of a job file (a [[nodes]] entry, a placement entry, a chaos
 * block, a script step) with messages that name the entry and the field. Each reader is told
 * up front which fields its table may have, so a misspelt field is reported as the unknown
 * field it is rather than as a missing one.
 */
import { describeValue, fieldProblem, JobProblem } from './job-error.js';

/**
 * What a name (of an actor, a node, a controller, a host) may be: up to 128 characters,
 * none of them whitespace or control characters. Names appear in HTTP paths, logs and the
 * one-line messages of this parser, where such characters would break or hide things.
 */
const NAME = /^[^\s\p{Cc}]{1,128}$/u;
const NAME_RULE = 'a name (1 to 128 characters, no spaces)';

/** True for a string that is a valid name (see NAME). */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

/** A TOML table as smol-toml hands it over. */
export type Table = Record<string, unknown>;

/** True for a TOML table: an object that is neither an array nor a TOML date. */
export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export class EntryReader {
  /**
   * @param where the entry as messages name it, e.g. `placement.dynamo_node[2] (nodeC)`
   * @param known the fields this table may have
   * @param prefix how fields of a nested table are named, e.g. `chaos.msg_loss.`
   */
  constructor(
    readonly where: string,
    private readonly table: Table,
    private readonly known: readonly string[],
    private readonly prefix = '',
  ) {
    for (const name of Object.keys(table)) {
      if (!known.includes(name)) {
        throw new JobProblem(`${where}: unknown field "${prefix}${name}"; expected ${known.map((k) => prefix + k).join(', ')}`);
      }
    }
  }

  /** A problem with one field of this table. */
  problem(name: string, detail: string): JobProblem {
    return fieldProblem(this.where, this.prefix + name, detail);
  }

  has(name: string): boolean {
    return this.value(name) !== undefined;
  }

  /** A field's value as parsed, unchecked; undefined when absent. */
  value(name: string): unknown {
    if (!this.known.includes(name)) throw new Error(`internal: field "${name}" read but not declared`);
    return this.table[name];
  }

  string(name: string): string {
    return this.required(name, 'a non-empty string', (v) => this.checkString(name, v));
  }

  /** A name (see NAME): of an actor, a node, a controller or a host. */
  name(name: string): string {
    return this.required(name, NAME_RULE, (v) => this.checkName(name, v));
  }

  integer(name: string, min: number, max: number): number {
    return this.required(name, `an integer from ${min} to ${max}`, (v) => this.checkInteger(name, v, min, max));
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : this.checkInteger(name, v, min, max);
  }

  probability(name: string): number {
    return this.required(name, 'a probability from 0 to 1', (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw this.problem(name, `expected a probability from 0 to 1, got ${describeValue(v)}`);
      return v;
    });
  }

  /** A list of names without repeats. */
  nameList(name: string): string[] {
    return this.required(name, 'a list of names', (v) => this.checkNameList(name, v));
  }

  optionalNameList(name: string): string[] | undefined {
    const v = this.value(name);
    return v === undefined ? undefined : this.checkNameList(name, v);
  }

  /** A nested table, read by its own reader; undefined when absent. */
  optionalTable(name: string, known: readonly string[]): EntryReader | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    if (!isTable(v)) throw this.problem(name, `expected a table, got ${describeValue(v)}`);
    return new EntryReader(this.where, v, known, `${this.prefix}${name}.`);
  }

  /** A list of inline tables (a script); undefined when absent. */
  optionalTableList(name: string): Table[] | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw this.problem(name, `expected a list of inline tables, got ${describeValue(v)}`);
    return v.map((item: unknown, i) => {
      if (!isTable(item)) throw this.problem(`${name}[${i}]`, `expected an inline table like { op = "get", ... }, got ${describeValue(item)}`);
      return item;
    });
  }

  private required<T>(name: string, expected: string, check: (value: unknown) => T): T {
    const v = this.value(name);
    if (v === undefined) throw this.problem(name, `missing; expected ${expected}`);
    return check(v);
  }

  private checkString(name: string, v: unknown): string {
    if (typeof v !== 'string' || v.length === 0) throw this.problem(name, `expected a non-empty string, got ${describeValue(v)}`);
    return v;
  }

  private checkInteger(name: string, v: unknown, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw this.problem(name, `expected an integer from ${min} to ${max}, got ${describeValue(v)}`);
    }
    return v;
  }

  private checkName(name: string, v: unknown): string {
    if (!isName(v)) throw this.problem(name, `expected ${NAME_RULE}, got ${describeValue(v)}`);
    return v;
  }

  private checkNameList(name: string, v: unknown): string[] {
    if (!Array.isArray(v)) throw this.problem(name, `expected a list of names, got ${describeValue(v)}`);
    const names: string[] = [];
    for (const item of v as unknown[]) {
      if (!isName(item)) throw this.problem(name, `expected a list of names, got ${describeValue(item)} in it, which is not ${NAME_RULE}`);
      if (names.includes(item)) throw this.problem(name, `${describeValue(item)} is listed twice`);
      names.push(item);
    }
    return names;
  }
}
