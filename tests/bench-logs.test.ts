import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  configLabel,
  formatConfigLine,
  formatLatencyLine,
  parseConfigLog,
  parseLatencyLog,
} from '../bench/logs.js';
import type { ConfigLatencyRecord, LatencyRecord } from '../bench/logs.js';

describe('bench logs - basic format', () => {
  it('formats latency in milliseconds with three decimals, as the seed', () => {
    expect(formatLatencyLine({ op: 'PUT', key: 'key4', latencyUs: 52 })).toBe('PUT key=key4 latency=0.052ms');
    expect(formatLatencyLine({ op: 'GET', key: 'key7', latencyUs: 1234 })).toBe('GET key=key7 latency=1.234ms');
  });

  it('parses the seed\'s two-decimal lines', () => {
    expect(parseLatencyLog('PUT key=key4 latency=0.05ms\n')).toEqual([{ op: 'PUT', key: 'key4', latencyUs: 50 }]);
  });

  it('round-trips integer microsecond records', () => {
    const record = fc.record({
      op: fc.constantFrom<'GET' | 'PUT'>('GET', 'PUT'),
      key: fc.nat(10_000).map((i) => `key${i}`),
      latencyUs: fc.nat(10_000_000),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 50 }), (records: LatencyRecord[]) => {
        const text = records.map((r) => `${formatLatencyLine(r)}\n`).join('');
        expect(parseLatencyLog(text)).toEqual(records);
      }),
    );
  });

  it('skips blank lines and tolerates CRLF line ends', () => {
    const text = 'GET key=key1 latency=0.020ms\r\n\r\n  \nPUT key=key2 latency=0.100ms\r\n';
    expect(parseLatencyLog(text)).toEqual([
      { op: 'GET', key: 'key1', latencyUs: 20 },
      { op: 'PUT', key: 'key2', latencyUs: 100 },
    ]);
  });

  it('throws naming the line number of a malformed line', () => {
    const text = 'GET key=key1 latency=0.020ms\n\nDELETE key=key2 latency=0.1ms\n';
    expect(() => parseLatencyLog(text)).toThrow(/line 3/);
    expect(() => parseLatencyLog('GET key=key1 latency=-1ms')).toThrow(/line 1/);
    expect(() => parseLatencyLog('GET key=key1 latency=0.02')).toThrow(/malformed/);
  });
});

describe('bench logs - configuration format', () => {
  it('labels a configuration as the seed', () => {
    expect(configLabel(3, 1, 1)).toBe('N3_W1_R1');
    expect(configLabel(20, 10, 15)).toBe('N20_W10_R15');
  });

  it('formats the label prefix and the N= W= R= suffix', () => {
    const rec: ConfigLatencyRecord = { op: 'GET', key: 'key7', latencyUs: 20, n: 3, w: 1, r: 1 };
    expect(formatConfigLine(rec)).toBe('[N3_W1_R1] GET key=key7 latency=0.020ms N=3 W=1 R=1');
  });

  it('round-trips integer microsecond records', () => {
    const record = fc
      .record({
        op: fc.constantFrom<'GET' | 'PUT'>('GET', 'PUT'),
        key: fc.nat(99).map((i) => `key${i}`),
        latencyUs: fc.nat(10_000_000),
        n: fc.integer({ min: 1, max: 20 }),
      })
      .chain((base) =>
        fc.record({ w: fc.integer({ min: 1, max: base.n }), r: fc.integer({ min: 1, max: base.n }) }).map((wr) => ({ ...base, ...wr })),
      );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 50 }), (records: ConfigLatencyRecord[]) => {
        const text = records.map((r) => `${formatConfigLine(r)}\n`).join('');
        expect(parseConfigLog(text)).toEqual(records);
      }),
    );
  });

  it('throws naming the line number of a malformed line', () => {
    const good = '[N3_W1_R1] GET key=key7 latency=0.020ms N=3 W=1 R=1';
    expect(() => parseConfigLog(`${good}\n${good}\nGET key=key7 latency=0.020ms\n`)).toThrow(/line 3/);
  });

  it('throws when the label disagrees with the N= W= R= suffix', () => {
    expect(() => parseConfigLog('[N3_W1_R1] GET key=key7 latency=0.020ms N=3 W=2 R=1')).toThrow(/line 1.*disagrees/);
  });
});
