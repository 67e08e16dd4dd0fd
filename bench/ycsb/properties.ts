/**
 * Reads a YCSB CoreWorkload properties file, the format of YCSB's workloads/workloada .. f.
 *
 * Defaults follow YCSB's CoreWorkload where a property is absent: readproportion 0.95,
 * updateproportion 0.05, insertproportion, readmodifywriteproportion and scanproportion 0,
 * requestdistribution uniform, fieldcount 10, fieldlength 100. Two deliberate differences:
 * recordcount and operationcount are required (YCSB's default of 0 would run nothing against
 * no data), and the proportions must add up to 1 (YCSB silently normalises them, which hides
 * a typo such as readproportion=0.5 with updateproportion left out).
 */

/** Key choosers of YCSB's CoreWorkload that this bench implements. */
export type RequestDistribution = 'uniform' | 'zipfian' | 'latest';

/** The share of each operation type in the transaction phase; they add up to 1. */
export interface YcsbProportions {
  readonly read: number;
  readonly update: number;
  readonly insert: number;
  readonly readModifyWrite: number;
}

/** A parsed, validated CoreWorkload. */
export interface YcsbWorkload {
  /** Records written in the load phase. */
  readonly recordCount: number;
  /** Operations in the transaction phase. */
  readonly operationCount: number;
  readonly proportions: YcsbProportions;
  readonly requestDistribution: RequestDistribution;
  /** Fields per record (field0 .. field{n-1}). */
  readonly fieldCount: number;
  /** Characters per field value. */
  readonly fieldLengthBytes: number;
  /**
   * Properties present in the file that this bench does not use (workload, readallfields,
   * table, ...), so that the CLI can say it ignored them.
   */
  readonly ignored: readonly string[];
}

/** A workload file this bench cannot run. `message` is one line. */
export class YcsbError extends Error {
  override readonly name = 'YcsbError';
  readonly code = 'YCSB_WORKLOAD';
  /** The exit code the CLI uses: the workload file is a user input, like an argument. */
  readonly exitCode = 2;
}

/** How far the proportions may stray from 1: the files write them as short decimals. */
const PROPORTION_TOLERANCE = 1e-6;

const DISTRIBUTIONS: readonly RequestDistribution[] = ['uniform', 'zipfian', 'latest'];

/** Properties this module reads; everything else ends up in `ignored`. */
const KNOWN = new Set([
  'recordcount',
  'operationcount',
  'readproportion',
  'updateproportion',
  'insertproportion',
  'readmodifywriteproportion',
  'scanproportion',
  'requestdistribution',
  'fieldcount',
  'fieldlength',
]);

/** A `-p name=value` from the command line, as YCSB's own `-p`. */
export interface PropertyOverride {
  readonly name: string;
  readonly value: string;
}

/**
 * Parses the text of a CoreWorkload properties file; `overrides` replace the file's
 * properties of the same name (later ones win), as YCSB's `-p` does. Throws YcsbError.
 */
export function parseYcsbProperties(text: string, overrides: readonly PropertyOverride[] = []): YcsbWorkload {
  const props = readProperties(text);
  for (const { name, value } of overrides) props.set(name, { value, where: '-p' });
  const scan = proportion(props, 'scanproportion', 0);
  if (scan > 0) {
    throw new YcsbError(
      `scans do not exist in a key-value store: this workload has scanproportion=${scan}; ` +
        'use a workload without scans (a, b, c, d, f)',
    );
  }
  const proportions: YcsbProportions = {
    read: proportion(props, 'readproportion', 0.95),
    update: proportion(props, 'updateproportion', 0.05),
    insert: proportion(props, 'insertproportion', 0),
    readModifyWrite: proportion(props, 'readmodifywriteproportion', 0),
  };
  const sum = proportions.read + proportions.update + proportions.insert + proportions.readModifyWrite;
  if (Math.abs(sum - 1) > PROPORTION_TOLERANCE) {
    throw new YcsbError(
      `proportions must add up to 1, but read ${proportions.read} + update ${proportions.update} + ` +
        `insert ${proportions.insert} + readmodifywrite ${proportions.readModifyWrite} = ${round(sum)} ` +
        '(absent ones default to read 0.95, update 0.05, others 0)',
    );
  }

  const distribution = props.get('requestdistribution')?.value ?? 'uniform';
  if (!isDistribution(distribution)) {
    throw new YcsbError(
      `unsupported requestdistribution "${distribution}": use ${DISTRIBUTIONS.join(', ')}`,
    );
  }

  return {
    recordCount: requiredInteger(props, 'recordcount', 1),
    operationCount: requiredInteger(props, 'operationcount', 1),
    proportions,
    requestDistribution: distribution,
    fieldCount: integer(props, 'fieldcount', 10, 1),
    fieldLengthBytes: integer(props, 'fieldlength', 100, 1),
    ignored: [...props.keys()].filter((key) => !KNOWN.has(key)),
  };
}

interface Property {
  readonly value: string;
  /** Where the value came from, for messages: `line 3` of the file, or `-p`. */
  readonly where: string;
}

/**
 * The subset of java.util.Properties syntax that YCSB's files use: `key=value` or
 * `key: value`, `#` and `!` comments, blank lines. A later line overrides an earlier one, as
 * in Java. Keys are compared as written (YCSB's are lower case).
 */
function readProperties(text: string): Map<string, Property> {
  const props = new Map<string, Property>();
  const lines = text.split(/\r?\n/);
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const separator = line.search(/[=:]/);
    if (separator <= 0) {
      throw new YcsbError(`line ${index + 1}: expected key=value, got ${JSON.stringify(truncate(line))}`);
    }
    const key = line.slice(0, separator).trim();
    props.set(key, { value: line.slice(separator + 1).trim(), where: `line ${index + 1}` });
  }
  return props;
}

function number(props: Map<string, Property>, key: string): number | undefined {
  const prop = props.get(key);
  if (prop === undefined) return undefined;
  // Number('') is 0 and Number('0x1') is 1: accept plain decimals only.
  const parsed = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(prop.value) ? Number(prop.value) : Number.NaN;
  if (!Number.isFinite(parsed)) {
    throw new YcsbError(`${prop.where}: ${key} must be a number, got ${JSON.stringify(truncate(prop.value))}`);
  }
  return parsed;
}

function proportion(props: Map<string, Property>, key: string, fallback: number): number {
  const value = number(props, key) ?? fallback;
  if (value < 0 || value > 1) throw new YcsbError(`${key} must be between 0 and 1, got ${value}`);
  return value;
}

function integer(props: Map<string, Property>, key: string, fallback: number, min: number): number {
  const value = number(props, key) ?? fallback;
  if (!Number.isSafeInteger(value)) throw new YcsbError(`${key} must be an integer, got ${value}`);
  if (value < min) throw new YcsbError(`${key} must be at least ${min}, got ${value}`);
  return value;
}

function requiredInteger(props: Map<string, Property>, key: string, min: number): number {
  if (!props.has(key)) throw new YcsbError(`${key} is missing: the workload must say how many`);
  return integer(props, key, 0, min);
}

function isDistribution(value: string): value is RequestDistribution {
  return (DISTRIBUTIONS as readonly string[]).includes(value);
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
