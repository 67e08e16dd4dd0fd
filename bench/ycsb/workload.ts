/**
 * Plans a YCSB CoreWorkload run: the records of the load phase and the operations of the
 * transaction phase, all derived from one seed, with YCSB's key naming and key choosers.
 *
 * One deliberate difference from YCSB: an UPDATE writes the whole record. YCSB's default
 * (writeallfields=false) sends one field and lets the database merge it, but a key-value store
 * has no partial write: the value is the record, so the update carries every field.
 */
import { Prng } from '../../src/util/prng.js';
import {
  ScrambledZipfianGenerator,
  SkewedLatestGenerator,
  UniformGenerator,
  fnvHash64,
} from './generators.js';
import type { NumberGenerator } from './generators.js';
import type { YcsbWorkload } from './properties.js';

/** The operations of a key-value CoreWorkload (scans are refused when parsing). */
export type YcsbOperationKind = 'READ' | 'UPDATE' | 'INSERT' | 'READMODIFYWRITE';

/** A record's value: field0 .. field{fieldcount-1}, each `fieldlength` printable characters. */
export type YcsbRecordValue = Record<string, string>;

/** One record of the load phase. */
export interface YcsbRecord {
  readonly keynum: number;
  readonly key: string;
  readonly value: YcsbRecordValue;
}

/**
 * One operation of the transaction phase. READ has no value; UPDATE, INSERT and
 * READMODIFYWRITE carry the record to write (for READMODIFYWRITE: after reading the key).
 */
export interface YcsbOperation {
  readonly kind: YcsbOperationKind;
  readonly keynum: number;
  readonly key: string;
  readonly value?: YcsbRecordValue;
}

/** How the planner learns that an INSERT has completed, which makes its key readable. */
export type InsertAcknowledgement = 'immediate' | 'explicit';

/** A planned run; both phases can be iterated any number of times and give the same result. */
export interface YcsbPlan {
  readonly workload: YcsbWorkload;
  readonly seed: number;
  /** The load phase: recordcount records, keys 0 .. recordcount-1 in order. */
  load(): Generator<YcsbRecord, void, undefined>;
  /**
   * The transaction phase: operationcount operations. With 'immediate' (the default) an
   * INSERT counts as done as soon as it is planned, which is exact for one client. With
   * several clients in flight use 'explicit' and call `acknowledgeInsert(keynum)` when an
   * insert has been acknowledged, so that no operation picks a key not yet written (YCSB's
   * AcknowledgedCounterGenerator).
   */
  transactions(acknowledgement?: InsertAcknowledgement): YcsbTransactions;
}

/**
 * YCSB's key for an item number: `user` followed by the FNV-1a 64 hash of the number
 * (insertorder=hashed, YCSB's default), which scatters consecutive inserts over the key space.
 */
export function ycsbKeyName(keynum: number): string {
  return `user${fnvHash64(keynum)}`;
}

/** Plans a workload from a seed: the same workload and seed always give the same plan. */
export function planYcsb(workload: YcsbWorkload, seed: number): YcsbPlan {
  const root = new Prng(seed);
  // One seed per concern, drawn in a fixed order, so each phase can be replayed on its own.
  const loadSeed = streamSeed(root);
  const transactionSeed = streamSeed(root);
  return {
    workload,
    seed,
    *load() {
      const rng = new Prng(loadSeed);
      for (let keynum = 0; keynum < workload.recordCount; keynum++) {
        yield { keynum, key: ycsbKeyName(keynum), value: buildRecordValue(rng, workload) };
      }
    },
    transactions(acknowledgement = 'immediate') {
      return new YcsbTransactions(workload, new Prng(transactionSeed), acknowledgement);
    },
  };
}

/** The transaction phase as an iterator; see YcsbPlan.transactions. */
export class YcsbTransactions implements IterableIterator<YcsbOperation> {
  private readonly inserts: InsertKeySequence;
  private readonly keyChooser: NumberGenerator;
  private readonly opRng: Prng;
  private readonly valueRng: Prng;
  private readonly kinds: readonly (readonly [YcsbOperationKind, number])[];
  private planned = 0;

  constructor(
    private readonly workload: YcsbWorkload,
    rng: Prng,
    private readonly acknowledgement: InsertAcknowledgement,
  ) {
    this.inserts = new InsertKeySequence(workload.recordCount);
    this.opRng = rng.split();
    this.valueRng = rng.split();
    this.keyChooser = createKeyChooser(workload, rng.split(), this.inserts);
    const { read, update, insert, readModifyWrite } = workload.proportions;
    // YCSB's order in CoreWorkload.createOperationGenerator, zero weights left out.
    const weighted: [YcsbOperationKind, number][] = [
      ['READ', read],
      ['UPDATE', update],
      ['INSERT', insert],
      ['READMODIFYWRITE', readModifyWrite],
    ];
    this.kinds = weighted.filter(([, weight]) => weight > 0);
  }

  /** Operations not yet planned. */
  get remaining(): number {
    return this.workload.operationCount - this.planned;
  }

  next(): IteratorResult<YcsbOperation, undefined> {
    if (this.planned >= this.workload.operationCount) return { done: true, value: undefined };
    this.planned++;
    return { done: false, value: this.nextOperation() };
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Marks an INSERT as done (only with 'explicit' acknowledgement); its key becomes readable. */
  acknowledgeInsert(keynum: number): void {
    if (this.acknowledgement !== 'explicit') {
      throw new Error('acknowledgeInsert is only for plans made with explicit acknowledgement');
    }
    this.inserts.acknowledge(keynum);
  }

  private nextOperation(): YcsbOperation {
    const kind = this.chooseKind();
    if (kind === 'INSERT') {
      const keynum = this.inserts.next();
      if (this.acknowledgement === 'immediate') this.inserts.acknowledge(keynum);
      return { kind, keynum, key: ycsbKeyName(keynum), value: buildRecordValue(this.valueRng, this.workload) };
    }
    const keynum = this.chooseExistingKey();
    const key = ycsbKeyName(keynum);
    if (kind === 'READ') return { kind, keynum, key };
    return { kind, keynum, key, value: buildRecordValue(this.valueRng, this.workload) };
  }

  /** YCSB's DiscreteGenerator: walk the normalised weights with one uniform draw. */
  private chooseKind(): YcsbOperationKind {
    const total = this.kinds.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.opRng.nextFloat();
    for (const [kind, weight] of this.kinds) {
      const share = weight / total;
      if (draw < share) return kind;
      draw -= share;
    }
    // Only floating-point rounding of the shares reaches here; YCSB would throw instead.
    const last = this.kinds[this.kinds.length - 1];
    if (last === undefined) throw new Error('a workload needs at least one operation with a proportion above 0');
    return last[0];
  }

  /**
   * YCSB's CoreWorkload.nextKeynum: draw until the key is one that has been written. The
   * zipfian chooser spans keys expected to be inserted later, so some draws are refused;
   * the bound only trips if the chooser is broken, since most draws land on written keys.
   */
  private chooseExistingKey(): number {
    const limit = this.inserts.lastAcknowledged();
    for (let attempt = 0; attempt < 1_000_000; attempt++) {
      const keynum = this.keyChooser.next();
      if (keynum <= limit) return keynum;
    }
    throw new Error(`key chooser found no written key in 1000000 draws (last written: ${limit})`);
  }
}

/**
 * Item numbers for inserts (recordcount, recordcount+1, ...) and the highest number below
 * which every insert has been acknowledged (YCSB's AcknowledgedCounterGenerator).
 */
class InsertKeySequence {
  private nextKeynum: number;
  private limit: number;
  /** Acknowledged inserts above `limit`: bounded by the inserts in flight. */
  private readonly ahead = new Set<number>();

  constructor(recordCount: number) {
    this.nextKeynum = recordCount;
    this.limit = recordCount - 1;
  }

  next(): number {
    return this.nextKeynum++;
  }

  lastAcknowledged(): number {
    return this.limit;
  }

  acknowledge(keynum: number): void {
    if (!Number.isInteger(keynum) || keynum <= this.limit || keynum >= this.nextKeynum || this.ahead.has(keynum)) {
      throw new RangeError(`keynum ${keynum} is not an insert awaiting acknowledgement`);
    }
    this.ahead.add(keynum);
    while (this.ahead.delete(this.limit + 1)) this.limit++;
  }
}

function createKeyChooser(workload: YcsbWorkload, rng: Prng, inserts: InsertKeySequence): NumberGenerator {
  switch (workload.requestDistribution) {
    case 'uniform':
      return new UniformGenerator(rng, 0, workload.recordCount - 1);
    case 'zipfian': {
      // As CoreWorkload: room for the keys this run will insert, with YCSB's fudge factor 2.
      const expectedNewKeys = Math.floor(workload.operationCount * workload.proportions.insert * 2);
      return new ScrambledZipfianGenerator(rng, 0, workload.recordCount + expectedNewKeys);
    }
    case 'latest':
      return new SkewedLatestGenerator(rng, () => inserts.lastAcknowledged());
    default:
      return assertNever(workload.requestDistribution);
  }
}

/** Printable ASCII (space .. tilde), like YCSB's RandomByteIterator. */
function buildRecordValue(rng: Prng, workload: YcsbWorkload): YcsbRecordValue {
  const value: YcsbRecordValue = {};
  const bytes = Buffer.allocUnsafe(workload.fieldLengthBytes);
  for (let field = 0; field < workload.fieldCount; field++) {
    for (let i = 0; i < bytes.length; i++) bytes[i] = 0x20 + rng.nextInt(95);
    value[`field${field}`] = bytes.toString('latin1');
  }
  return value;
}

function streamSeed(rng: Prng): number {
  return Math.floor(rng.nextFloat() * 2 ** 53);
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
