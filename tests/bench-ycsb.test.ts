import { describe, expect, it } from 'vitest';
import { Prng } from '../src/util/prng.js';
import {
  ScrambledZipfianGenerator,
  SkewedLatestGenerator,
  UniformGenerator,
  ZipfianGenerator,
  fnvHash64,
} from '../bench/ycsb/generators.js';
import type { NumberGenerator } from '../bench/ycsb/generators.js';
import { propertyOverrideTexts, splitPropertyOverride } from '../bench/ycsb/overrides.js';
import { YcsbError, parseYcsbProperties } from '../bench/ycsb/properties.js';
import type { YcsbWorkload } from '../bench/ycsb/properties.js';
import { formatYcsbReport } from '../bench/ycsb/report.js';
import type { YcsbOpStats } from '../bench/ycsb/report.js';
import { planYcsb, ycsbKeyName } from '../bench/ycsb/workload.js';
import type { YcsbOperation, YcsbOperationKind } from '../bench/ycsb/workload.js';

// YCSB's workloads/workloada .. workloadf as shipped upstream (trailing spaces trimmed).
const LICENSE = `# Copyright (c) 2010 Yahoo! Inc. All rights reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License"); you
# may not use this file except in compliance with the License. You
# may obtain a copy of the License at
#
# http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
# implied. See the License for the specific language governing
# permissions and limitations under the License. See accompanying
# LICENSE file.
`;

const WORKLOAD_A = `${LICENSE}

# Yahoo! Cloud System Benchmark
# Workload A: Update heavy workload
#   Application example: Session store recording recent actions
#
#   Read/update ratio: 50/50
#   Default data size: 1 KB records (10 fields, 100 bytes each, plus key)
#   Request distribution: zipfian

recordcount=1000
operationcount=1000
workload=site.ycsb.workloads.CoreWorkload

readallfields=true

readproportion=0.5
updateproportion=0.5
scanproportion=0
insertproportion=0

requestdistribution=zipfian

`;

const WORKLOAD_B = `${LICENSE}
# Yahoo! Cloud System Benchmark
# Workload B: Read mostly workload
#   Application example: photo tagging; add a tag is an update, but most operations are to read tags
#
#   Read/update ratio: 95/5
#   Default data size: 1 KB records (10 fields, 100 bytes each, plus key)
#   Request distribution: zipfian

recordcount=1000
operationcount=1000
workload=site.ycsb.workloads.CoreWorkload

readallfields=true

readproportion=0.95
updateproportion=0.05
scanproportion=0
insertproportion=0

requestdistribution=zipfian

`;

const WORKLOAD_C = `${LICENSE}
# Yahoo! Cloud System Benchmark
# Workload C: Read only
#   Application example: user profile cache, where profiles are constructed elsewhere (e.g., Hadoop)
#
#   Read/update ratio: 100/0
#   Default data size: 1 KB records (10 fields, 100 bytes each, plus key)
#   Request distribution: zipfian

recordcount=1000
operationcount=1000
workload=site.ycsb.workloads.CoreWorkload

readallfields=true

readproportion=1
updateproportion=0
scanproportion=0
insertproportion=0

requestdistribution=zipfian



`;

const WORKLOAD_D = `${LICENSE}
# Yahoo! Cloud System Benchmark
# Workload D: Read latest workload
#   Application example: user status updates; people want to read the latest
#
#   Read/update/insert ratio: 95/0/5
#   Default data size: 1 KB records (10 fields, 100 bytes each, plus key)
#   Request distribution: latest

# The insert order for this is hashed, not ordered. The "latest" items may be
# scattered around the keyspace if they are keyed by userid.timestamp. A workload
# which orders items purely by time, and demands the latest, is very different than
# workload here (which we believe is more typical of how people build systems.)

recordcount=1000
operationcount=1000
workload=site.ycsb.workloads.CoreWorkload

readallfields=true

readproportion=0.95
updateproportion=0
scanproportion=0
insertproportion=0.05

requestdistribution=latest

`;

const WORKLOAD_E = `${LICENSE}
# Yahoo! Cloud System Benchmark
# Workload E: Short ranges
#   Application example: threaded conversations, where each scan is for the posts in a given thread (assumed to be clustered by thread id)
#
#   Scan/insert ratio: 95/5
#   Default data size: 1 KB records (10 fields, 100 bytes each, plus key)
#   Request distribution: zipfian

# The insert order is hashed, not ordered. Although the scans are ordered, it does not necessarily
# follow that the data is inserted in order. For example, posts for thread 342 may not be inserted contiguously, but
# instead interspersed with posts from lots of other threads. The way the YCSB client works is that it will pick a start
# key, and then request a number of records; this works fine even for hashed insertion.

recordcount=1000
operationcount=1000
workload=site.ycsb.workloads.CoreWorkload

readallfields=true

readproportion=0
updateproportion=0
scanproportion=0.95
insertproportion=0.05

requestdistribution=zipfian

maxscanlength=100

scanlengthdistribution=uniform


`;

const WORKLOAD_F = `${LICENSE}
# Yahoo! Cloud System Benchmark
# Workload F: Read-modify-write workload
#   Application example: user database, where user records are read and modified by the user or to record user activity.
#
#   Read/read-modify-write ratio: 50/50
#   Default data size: 1 KB records (10 fields, 100 bytes each, plus key)
#   Request distribution: zipfian

recordcount=1000
operationcount=1000
workload=site.ycsb.workloads.CoreWorkload

readallfields=true

readproportion=0.5
updateproportion=0
scanproportion=0
insertproportion=0
readmodifywriteproportion=0.5

requestdistribution=zipfian

`;

function parseError(text: string): YcsbError {
  try {
    parseYcsbProperties(text);
  } catch (error) {
    if (error instanceof YcsbError) return error;
    throw error;
  }
  throw new Error('expected a YcsbError');
}

function counts(generator: NumberGenerator, draws: number): Map<number, number> {
  const seen = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const item = generator.next();
    seen.set(item, (seen.get(item) ?? 0) + 1);
  }
  return seen;
}

function topCount(seen: Map<number, number>): number {
  return Math.max(...seen.values());
}

describe('prng', () => {
  it('replays the same sequence for the same seed', () => {
    const a = new Prng(12345);
    const b = new Prng(12345);
    const drawsA = Array.from({ length: 100 }, () => a.nextUint32());
    const drawsB = Array.from({ length: 100 }, () => b.nextUint32());
    expect(drawsA).toEqual(drawsB);
    expect(new Prng(12346).nextUint32()).not.toBe(drawsA[0]);
    expect(new Prng(2 ** 40).nextUint32()).not.toBe(new Prng(0).nextUint32());
  });

  it('gives floats in [0, 1) and ints in [0, max) spread over the whole range', () => {
    const rng = new Prng(1);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const float = rng.nextFloat();
      expect(float).toBeGreaterThanOrEqual(0);
      expect(float).toBeLessThan(1);
      const int = rng.nextInt(10);
      buckets[int] = (buckets[int] ?? 0) + 1;
    }
    for (const bucket of buckets) expect(Math.abs(bucket - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const big = rng.nextInt(2 ** 40);
      expect(Number.isInteger(big) && big >= 0 && big < 2 ** 40).toBe(true);
    }
  });

  it('splits into deterministic, distinct streams', () => {
    const a = new Prng(9).split();
    const b = new Prng(9).split();
    expect(a.nextUint32()).toBe(b.nextUint32());
    const root = new Prng(9);
    expect(root.split().nextUint32()).not.toBe(root.split().nextUint32());
  });

  it('refuses seeds and ranges it cannot honour', () => {
    expect(() => new Prng(-1)).toThrow(RangeError);
    expect(() => new Prng(1.5)).toThrow(RangeError);
    expect(() => new Prng(1).nextInt(0)).toThrow(RangeError);
  });
});

describe('ycsb - properties', () => {
  it('parses workload A: 50/50 read/update, zipfian, 1000 records of 10 x 100 bytes', () => {
    expect(parseYcsbProperties(WORKLOAD_A)).toEqual({
      recordCount: 1000,
      operationCount: 1000,
      proportions: { read: 0.5, update: 0.5, insert: 0, readModifyWrite: 0 },
      requestDistribution: 'zipfian',
      fieldCount: 10,
      fieldLengthBytes: 100,
      ignored: ['workload', 'readallfields'],
    });
  });

  it('parses workload B: 95/5 read/update, zipfian', () => {
    expect(parseYcsbProperties(WORKLOAD_B)).toMatchObject({
      proportions: { read: 0.95, update: 0.05, insert: 0, readModifyWrite: 0 },
      requestDistribution: 'zipfian',
    });
  });

  it('parses workload C: read only, zipfian', () => {
    expect(parseYcsbProperties(WORKLOAD_C)).toMatchObject({
      proportions: { read: 1, update: 0, insert: 0, readModifyWrite: 0 },
      requestDistribution: 'zipfian',
    });
  });

  it('parses workload D: 95/5 read/insert, latest', () => {
    expect(parseYcsbProperties(WORKLOAD_D)).toMatchObject({
      proportions: { read: 0.95, update: 0, insert: 0.05, readModifyWrite: 0 },
      requestDistribution: 'latest',
    });
  });

  it('refuses workload E because a key-value store has no scans', () => {
    const error = parseError(WORKLOAD_E);
    expect(error.message).toBe(
      'scans do not exist in a key-value store: this workload has scanproportion=0.95; ' +
        'use a workload without scans (a, b, c, d, f)',
    );
    expect(error.exitCode).toBe(2);
  });

  it('parses workload F: 50/50 read/read-modify-write, zipfian', () => {
    expect(parseYcsbProperties(WORKLOAD_F)).toMatchObject({
      proportions: { read: 0.5, update: 0, insert: 0, readModifyWrite: 0.5 },
      requestDistribution: 'zipfian',
    });
  });

  it("applies YCSB's defaults for absent properties", () => {
    expect(parseYcsbProperties('recordcount=10\noperationcount=20\n')).toEqual({
      recordCount: 10,
      operationCount: 20,
      proportions: { read: 0.95, update: 0.05, insert: 0, readModifyWrite: 0 },
      requestDistribution: 'uniform',
      fieldCount: 10,
      fieldLengthBytes: 100,
      ignored: [],
    });
  });

  it('accepts colons, ! comments, CRLF and overrides by later lines', () => {
    const workload = parseYcsbProperties(
      '! comment\r\nrecordcount: 5\r\noperationcount=5\r\nfieldcount=2\r\nfieldcount=3\r\n',
    );
    expect(workload).toMatchObject({ recordCount: 5, fieldCount: 3 });
  });

  it('-p overrides replace the file\'s properties, the last one winning, and unknown ones are reported as ignored', () => {
    const workload = parseYcsbProperties(WORKLOAD_A, [
      { name: 'recordcount', value: '20' },
      { name: 'operationcount', value: '30' },
      { name: 'operationcount', value: '40' },
      { name: 'requestdistribution', value: 'uniform' },
      { name: 'threadcount', value: '8' },
    ]);
    expect(workload).toMatchObject({ recordCount: 20, operationCount: 40, requestDistribution: 'uniform' });
    expect(workload.ignored).toEqual(['workload', 'readallfields', 'threadcount']);
  });

  it('a bad -p override is refused, naming -p and the property', () => {
    expect(() => parseYcsbProperties(WORKLOAD_A, [{ name: 'fieldcount', value: 'ten' }])).toThrow('-p: fieldcount must be a number, got "ten"');
    expect(() => parseYcsbProperties(WORKLOAD_A, [{ name: 'readproportion', value: '0.9' }])).toThrow(/^proportions must add up to 1, but read 0.9 \+ update 0.5/);
  });

  const refusals: [string, string][] = [
    ['recordcount=1\noperationcount=1\nrequestdistribution=hotspot', 'unsupported requestdistribution "hotspot": use uniform, zipfian, latest'],
    ['recordcount=1\noperationcount=1\nreadproportion=0.5',
      'proportions must add up to 1, but read 0.5 + update 0.05 + insert 0 + readmodifywrite 0 = 0.55 ' +
        '(absent ones default to read 0.95, update 0.05, others 0)'],
    ['recordcount=1\noperationcount=1\nreadproportion=lots', 'line 3: readproportion must be a number, got "lots"'],
    ['recordcount=1\noperationcount=1\nreadproportion=', 'line 3: readproportion must be a number, got ""'],
    ['recordcount=1\noperationcount=1\nreadproportion=1.5\nupdateproportion=0', 'readproportion must be between 0 and 1, got 1.5'],
    ['recordcount=ten\noperationcount=1', 'line 1: recordcount must be a number, got "ten"'],
    ['operationcount=1', 'recordcount is missing: the workload must say how many'],
    ['recordcount=1', 'operationcount is missing: the workload must say how many'],
    ['recordcount=0\noperationcount=1', 'recordcount must be at least 1, got 0'],
    ['recordcount=1.5\noperationcount=1', 'recordcount must be an integer, got 1.5'],
    ['recordcount=1\noperationcount=1\nfieldcount=0', 'fieldcount must be at least 1, got 0'],
    ['recordcount=1\noperationcount=1\njust some words', 'line 3: expected key=value, got "just some words"'],
  ];
  for (const [text, message] of refusals) {
    it(`refuses with: ${message}`, () => {
      const error = parseError(text);
      expect(error.message).toBe(message);
      expect(error.message).not.toContain('\n');
    });
  }
});

describe('ycsb - -p overrides on the command line', () => {
  it('reads every -p, in order, in each spelling yargs accepts, and none after --', () => {
    expect(propertyOverrideTexts(['--ycsb', 'w', '-p', 'a=1', '100', '--p', 'b=2', '-p=c=3', '--p=d=4', '--', '-p', 'e=5'])).toEqual(['a=1', 'b=2', 'c=3', 'd=4']);
    expect(propertyOverrideTexts(['--ycsb', 'w', '--seed', '1'])).toEqual([]);
  });

  it('splits name=value at the first =, and refuses text without a name or an =', () => {
    expect(splitPropertyOverride('requestdistribution=zipfian')).toEqual({ name: 'requestdistribution', value: 'zipfian' });
    expect(splitPropertyOverride(' table = a=b ')).toEqual({ name: 'table', value: 'a=b' });
    expect(splitPropertyOverride('empty=')).toEqual({ name: 'empty', value: '' });
    expect(splitPropertyOverride('recordcount')).toBeUndefined();
    expect(splitPropertyOverride('=5')).toBeUndefined();
  });
});

describe('ycsb - key choosers', () => {
  it('hashes item numbers into the keys YCSB uses', () => {
    // user6284781860667377211 is the first key of every YCSB load with hashed inserts.
    expect(ycsbKeyName(0)).toBe('user6284781860667377211');
    expect(fnvHash64(1)).toBe(8517097267634966620n);
  });

  it('uniform spreads over the whole range', () => {
    const seen = counts(new UniformGenerator(new Prng(3), 10, 19), 10_000);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(topCount(seen)).toBeLessThan(1200);
  });

  it('zipfian makes the first item by far the most popular', () => {
    const draws = 20_000;
    const seen = counts(new ZipfianGenerator(new Prng(4), 0, 999), draws);
    for (const item of seen.keys()) expect(item >= 0 && item <= 999).toBe(true);
    const first = seen.get(0) ?? 0;
    expect(first).toBe(topCount(seen));
    // 1/zeta(1000, 0.99) is about 13% of draws, against 0.1% for a uniform choice.
    expect(first / draws).toBeGreaterThan(0.1);
    expect((seen.get(1) ?? 0) / draws).toBeGreaterThan(0.05);
  });

  it('scrambled zipfian keeps the skew but scatters the hot items', () => {
    const draws = 20_000;
    const run = (seed: number): number[] => {
      const generator = new ScrambledZipfianGenerator(new Prng(seed), 0, 999);
      return Array.from({ length: draws }, () => generator.next());
    };
    const items = run(5);
    expect(run(5)).toEqual(items);
    const seen = new Map<number, number>();
    for (const item of items) {
      expect(Number.isInteger(item) && item >= 0 && item <= 999).toBe(true);
      seen.set(item, (seen.get(item) ?? 0) + 1);
    }
    // Uniform would give each item about 20 draws; the hottest item of a zipfian over 10^10
    // items takes 1/zeta = 1/26.47, about 3.8% of the draws, some 750.
    expect(topCount(seen)).toBeGreaterThan(20 * 20);
    const hottest = [...seen.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(hottest).not.toBe(0);
  });

  it('latest favours the most recent items and follows the latest as it grows', () => {
    let latest = 999;
    const generator = new SkewedLatestGenerator(new Prng(6), () => latest);
    const draws = 20_000;
    const seen = counts(generator, draws);
    for (const item of seen.keys()) expect(item >= 0 && item <= 999).toBe(true);
    expect(topCount(seen)).toBe(seen.get(999));
    let recent = 0;
    for (const [item, count] of seen) if (item >= 900) recent += count;
    // The newest 10% of items take well over half of the draws.
    expect(recent / draws).toBeGreaterThan(0.5);
    latest = 1499;
    const grown = counts(generator, draws);
    expect(topCount(grown)).toBe(grown.get(1499));
  });
});

function mix(operations: readonly YcsbOperation[]): Record<YcsbOperationKind, number> {
  const shares: Record<YcsbOperationKind, number> = { READ: 0, UPDATE: 0, INSERT: 0, READMODIFYWRITE: 0 };
  for (const operation of operations) shares[operation.kind] += 1 / operations.length;
  return shares;
}

describe('ycsb - plan', () => {
  const workloadA = parseYcsbProperties(WORKLOAD_A);

  it('loads recordcount records of fieldcount printable fields, the same for the same seed', () => {
    const plan = planYcsb(workloadA, 1);
    const records = [...plan.load()];
    expect(records).toHaveLength(1000);
    expect(new Set(records.map((record) => record.key)).size).toBe(1000);
    expect(records[0]?.key).toBe('user6284781860667377211');
    const value = records[0]?.value ?? {};
    expect(Object.keys(value)).toEqual(Array.from({ length: 10 }, (_, i) => `field${i}`));
    for (const field of Object.values(value)) expect(field).toMatch(/^[\x20-\x7e]{100}$/);
    expect([...plan.load()]).toEqual(records);
    expect([...planYcsb(workloadA, 2).load()][0]?.value).not.toEqual(value);
  });

  it('replays the same transactions for the same seed', () => {
    const first = [...planYcsb(workloadA, 7).transactions()];
    expect(first).toHaveLength(1000);
    expect([...planYcsb(workloadA, 7).transactions()]).toEqual(first);
    expect([...planYcsb(workloadA, 8).transactions()]).not.toEqual(first);
  });

  const mixes: [string, string, Partial<Record<YcsbOperationKind, number>>][] = [
    ['A', WORKLOAD_A, { READ: 0.5, UPDATE: 0.5 }],
    ['B', WORKLOAD_B, { READ: 0.95, UPDATE: 0.05 }],
    ['C', WORKLOAD_C, { READ: 1 }],
    ['D', WORKLOAD_D, { READ: 0.95, INSERT: 0.05 }],
    ['F', WORKLOAD_F, { READ: 0.5, READMODIFYWRITE: 0.5 }],
  ];
  for (const [name, text, expected] of mixes) {
    it(`workload ${name} follows its operation mix over 10k operations`, () => {
      const workload: YcsbWorkload = { ...parseYcsbProperties(text), operationCount: 10_000 };
      const operations = [...planYcsb(workload, 11).transactions()];
      expect(operations).toHaveLength(10_000);
      const shares = mix(operations);
      for (const kind of ['READ', 'UPDATE', 'INSERT', 'READMODIFYWRITE'] as const) {
        expect(Math.abs(shares[kind] - (expected[kind] ?? 0))).toBeLessThan(0.02);
      }
      for (const operation of operations) {
        expect(operation.key).toBe(ycsbKeyName(operation.keynum));
        if (operation.kind === 'READ') expect(operation.value).toBeUndefined();
        else expect(Object.keys(operation.value ?? {})).toHaveLength(10);
      }
    });
  }

  it('workload D inserts new keys in order and reads only keys that exist, mostly recent ones', () => {
    const workload: YcsbWorkload = { ...parseYcsbProperties(WORKLOAD_D), operationCount: 10_000 };
    let lastInserted = workload.recordCount - 1;
    let recentReads = 0;
    let reads = 0;
    for (const operation of planYcsb(workload, 12).transactions()) {
      if (operation.kind === 'INSERT') {
        expect(operation.keynum).toBe(lastInserted + 1);
        lastInserted = operation.keynum;
      } else {
        expect(operation.keynum).toBeLessThanOrEqual(lastInserted);
        reads++;
        if (lastInserted - operation.keynum < 100) recentReads++;
      }
    }
    expect(lastInserted).toBeGreaterThan(1000);
    expect(recentReads / reads).toBeGreaterThan(0.5);
  });

  it('with explicit acknowledgement, never picks a key whose insert is still in flight', () => {
    const workload: YcsbWorkload = {
      ...parseYcsbProperties(WORKLOAD_D),
      proportions: { read: 0.5, update: 0, insert: 0.5, readModifyWrite: 0 },
      operationCount: 2000,
    };
    const transactions = planYcsb(workload, 13).transactions('explicit');
    const inFlight: number[] = [];
    for (const operation of transactions) {
      if (operation.kind === 'INSERT') {
        inFlight.push(operation.keynum);
        // Acknowledge out of order, three inserts behind, as concurrent clients would.
        if (inFlight.length > 3) transactions.acknowledgeInsert(inFlight.splice(1, 1)[0] ?? -1);
      } else {
        for (const pending of inFlight) expect(operation.keynum).not.toBe(pending);
        expect(operation.keynum).toBeLessThan(Math.min(...inFlight, Number.POSITIVE_INFINITY));
      }
    }
    expect(() => transactions.acknowledgeInsert(0)).toThrow(RangeError);
  });

  it('zipfian reads never pick a key that was not loaded', () => {
    const workload: YcsbWorkload = {
      ...workloadA,
      proportions: { read: 0.9, update: 0, insert: 0.1, readModifyWrite: 0 },
      operationCount: 5000,
    };
    let written = workload.recordCount;
    for (const operation of planYcsb(workload, 14).transactions()) {
      if (operation.kind === 'INSERT') written = operation.keynum + 1;
      else expect(operation.keynum).toBeLessThan(written);
    }
  });
});

describe('ycsb - report', () => {
  it("prints YCSB's lines for the run and each operation type", () => {
    const read: YcsbOpStats = { count: 1000, mean_us: 351.24, min_us: 120, max_us: 5230, p50_us: 300, p95_us: 700, p99_us: 1200 };
    const rmw: YcsbOpStats = { count: 10, mean_us: 800, min_us: 500, max_us: 1500, p50_us: 790, p95_us: 1400, p99_us: 1500, errors: 2 };
    const text = formatYcsbReport(
      new Map([
        ['READ', read],
        ['READMODIFYWRITE', rmw],
      ]),
      { runtimeMs: 1234, operations: 1000 },
    );
    expect(text.split('\n')).toEqual([
      '[OVERALL], RunTime(ms), 1234',
      '[OVERALL], Throughput(ops/sec), 810.4',
      '[READ], Operations, 1000',
      '[READ], AverageLatency(us), 351.2',
      '[READ], MinLatency(us), 120',
      '[READ], MaxLatency(us), 5230',
      '[READ], 50thPercentileLatency(us), 300',
      '[READ], 95thPercentileLatency(us), 700',
      '[READ], 99thPercentileLatency(us), 1200',
      '[READ], Return=OK, 1000',
      '[READ-MODIFY-WRITE], Operations, 10',
      '[READ-MODIFY-WRITE], AverageLatency(us), 800',
      '[READ-MODIFY-WRITE], MinLatency(us), 500',
      '[READ-MODIFY-WRITE], MaxLatency(us), 1500',
      '[READ-MODIFY-WRITE], 50thPercentileLatency(us), 790',
      '[READ-MODIFY-WRITE], 95thPercentileLatency(us), 1400',
      '[READ-MODIFY-WRITE], 99thPercentileLatency(us), 1500',
      '[READ-MODIFY-WRITE], Return=OK, 8',
      '[READ-MODIFY-WRITE], Return=ERROR, 2',
      '',
    ]);
  });

  it("prints the load phase's inserts as YCSB's load does", () => {
    const insert: YcsbOpStats = { count: 50, mean_us: 900, min_us: 400, max_us: 3000, p50_us: 800, p95_us: 2000, p99_us: 3000 };
    expect(formatYcsbReport(new Map([['INSERT', insert]]), { runtimeMs: 500, operations: 50 }).split('\n')).toEqual([
      '[OVERALL], RunTime(ms), 500',
      '[OVERALL], Throughput(ops/sec), 100',
      '[INSERT], Operations, 50',
      '[INSERT], AverageLatency(us), 900',
      '[INSERT], MinLatency(us), 400',
      '[INSERT], MaxLatency(us), 3000',
      '[INSERT], 50thPercentileLatency(us), 800',
      '[INSERT], 95thPercentileLatency(us), 2000',
      '[INSERT], 99thPercentileLatency(us), 3000',
      '[INSERT], Return=OK, 50',
      '',
    ]);
  });

  it('refuses a run time that would make the throughput infinite', () => {
    expect(() => formatYcsbReport(new Map(), { runtimeMs: 0, operations: 1 })).toThrow(RangeError);
  });
});
