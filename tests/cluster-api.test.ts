/**
 * The embedding API's contract: option checks, typed errors, lifecycle, stats shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, DynamoError, type ClusterOptions } from '../src/index.js';
import { eventually } from './helpers/eventually.js';
import { rejection } from './helpers/rejection.js';


describe('Cluster.start - refuses bad configurations with a message naming the field', () => {
  const cases: [ClusterOptions, RegExp][] = [
    [{ nodes: 5, n: 3, w: 4 }, /w \(4\) must not exceed n \(3\)/],
    [{ nodes: 5, n: 3, r: 5 }, /r \(5\) must not exceed n \(3\)/],
    [{ nodes: 2, n: 3 }, /n \(3\) must not exceed nodes \(2\)/],
    [{ nodes: 2.5 }, /nodes must be an integer, got 2.5/],
    [{ n: 0 }, /n must be at least 1/],
    [{ vnodes: Number.NaN }, /vnodes must be an integer/],
    [{ requestTimeoutMs: -1 }, /requestTimeoutMs must be at least 1/],
    [{ coordination: 'proxy' as 'node' }, /coordination must be 'node' or 'client'/],
    [{ nodez: 3 } as ClusterOptions, /unknown option 'nodez'/],
    [{ requestTimeoutMs: 2 ** 31 }, /requestTimeoutMs must be at most 3600000/],
    [{ nodes: 1000 }, /nodes must be at most 256/],
  ];
  it.each(cases)('%j', async (options, message) => {
    const error = await rejection(Cluster.start(options));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });
});

describe('Cluster API', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 2, maxValueBytes: 1024 });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('exposes node ids and the configuration', () => {
    expect(cluster.nodeIds).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
    expect(cluster.config).toMatchObject({ n: 3, r: 2, w: 2, vnodes: 10 });
    expect(cluster.coordination).toBe('node');
  });

  it('stores any structured-cloneable value', async () => {
    const value = { when: new Date(0), tags: new Set(['a']), bytes: new Uint8Array([1, 2]), nested: { n: 1n } };
    await cluster.put('rich', value);
    expect((await cluster.get('rich')).values).toEqual([value]);
    expect((await cluster.get('absent')).values).toEqual([]);
  });

  it('rejects bad keys, values, quorums and contexts with INVALID_ARGUMENT', async () => {
    for (const attempt of [
      cluster.put('', 1),
      cluster.put(42 as unknown as string, 1),
      cluster.put('k', () => 1),
      cluster.get('k', { r: 4 }),
      cluster.put('k', 1, { w: 0 }),
      cluster.put('k', 1, { context: { clock: 'nope' } as unknown as never }),
      cluster.get('k', { timeoutMs: 0 }),
      cluster.stopNode('node-9'),
      cluster.partition([['node-1'], ['node-1', 'node-2']]),
    ]) {
      const error = await rejection(attempt);
      expect(error.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('stores the value as it was when put was called, whatever the caller does to it after', async () => {
    const value: Record<string, unknown> = { name: 'before' };
    const writing = cluster.put('snapshot', value);
    value['name'] = 'after';
    value['fn'] = () => 1; // no longer cloneable: must not matter any more
    await writing;
    expect((await cluster.get('snapshot')).values).toEqual([{ name: 'before' }]);
  });

  it('refuses a forged context with impossible counters', async () => {
    const { context } = await cluster.put('forged', 1);
    const forged = { ...context, clock: { ...context.clock, 'node-1#1': { counter: 2 ** 53 - 1, timeMs: 0 } } };
    expect((await rejection(cluster.put('forged', 1, { context: forged }))).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a context handed out for another key, or by another cluster, at once', async () => {
    const { context } = await cluster.put('key-a', 1);
    const otherKey = await rejection(cluster.put('key-b', 2, { context }));
    expect(otherKey.code).toBe('INVALID_ARGUMENT');
    expect(otherKey.message).toMatch(/another key or by another cluster/);
    const other = await Cluster.start({ nodes: 3 });
    try {
      const { context: foreign } = await other.put('key-a', 1);
      expect((await rejection(cluster.put('key-a', 2, { context: foreign }))).code).toBe('INVALID_ARGUMENT');
    } finally {
      await other.stop();
    }
    // Without its tag a context is not one the engine handed out.
    const { issuedFor: _tag, ...untagged } = context;
    expect((await rejection(cluster.put('key-a', 3, { context: untagged as typeof context }))).code).toBe('INVALID_ARGUMENT');
  });

  it('hands out frozen contexts, taken back as they are; a copy of one is checked and works as well', async () => {
    await cluster.put('frozen', 'v1');
    const { context } = await cluster.get('frozen', { r: 3 });
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen(context.clock)).toBe(true);
    for (const entry of Object.values(context.clock)) expect(Object.isFrozen(entry)).toBe(true);
    expect(() => {
      (context.clock as Record<string, unknown>)['forged#1'] = { counter: 1, timeMs: 0 };
    }).toThrow(TypeError);
    // The very object, for its own key: it supersedes what it covers.
    const { context: next } = await cluster.put('frozen', 'v2', { context });
    expect((await cluster.get('frozen', { r: 3 })).values).toEqual(['v2']);
    // The very object, for another key: refused, as a copy of it would be.
    expect((await rejection(cluster.put('not-frozen', 1, { context: next }))).message).toMatch(/another key or by another cluster/);
    // A copy (through a port, JSON, a spread) is another object: checked in full, and good.
    const copied = JSON.parse(JSON.stringify(next)) as typeof next;
    expect(Object.isFrozen(copied)).toBe(false);
    await cluster.put('frozen', 'v3', { context: copied });
    expect((await cluster.get('frozen', { r: 3 })).values).toEqual(['v3']);
  });

  it('an actor named like an Object property (constructor, toString) is just an actor', async () => {
    const { context } = await cluster.put('proto-names', 'v1');
    const odd = { ...context, clock: { ...context.clock, constructor: { counter: 1, timeMs: 0 }, toString: { counter: 2, timeMs: 0 } } };
    await cluster.put('proto-names', 'v2', { context: odd });
    const read = await cluster.get('proto-names', { r: 3 });
    expect(read.values).toEqual(['v2']);
    for (const holding of await cluster.inspect('proto-names')) {
      expect(holding.clock.constructor).toEqual({ counter: 1, timeMs: 0 });
      expect(holding.versions.map((v) => v.value)).toEqual(['v2']);
    }
  });

  it('options or a context whose reading throws are INVALID_ARGUMENT, not the getter\'s error', async () => {
    const options = Object.defineProperty({}, 'w', { enumerable: true, get: () => { throw new Error('boom'); } });
    const error = await rejection(cluster.put('getter', 1, options));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/boom/);
    const { context } = await cluster.put('getter', 1);
    const sneaky = Object.defineProperty({ ...context }, 'readFrom', { enumerable: true, get: () => { throw new Error('bang'); } });
    expect((await rejection(cluster.put('getter', 2, { context: sneaky }))).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects a value above maxValueBytes with VALUE_TOO_LARGE', async () => {
    const error = await rejection(cluster.put('big', 'x'.repeat(2000)));
    expect(error.code).toBe('VALUE_TOO_LARGE');
    expect(error.message).toMatch(/maxValueBytes is 1024/);
  });

  it('rejects with ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(cluster.get('k', { signal: controller.signal }))).code).toBe('ABORTED');
    expect((await rejection(cluster.put('k', 1, { signal: controller.signal }))).code).toBe('ABORTED');
  });

  it('a request whose signal already fired is not sent to the cluster at all', async () => {
    const controller = new AbortController();
    controller.abort();
    const gets = async (): Promise<number> => (await cluster.stats()).nodes.reduce((sum, node) => sum + node.gets, 0);
    const before = await gets();
    for (let i = 0; i < 5; i++) expect((await rejection(cluster.get('k', { signal: controller.signal }))).code).toBe('ABORTED');
    expect(await gets()).toBe(before);
  });

  it('options: null means none; a number, a string or an unknown field is refused with a message naming it', async () => {
    await cluster.put('opts', 1, null as unknown as undefined);
    expect((await cluster.get('opts', null as unknown as undefined)).values).toEqual([1]);
    const cases: [Promise<unknown>, RegExp][] = [
      [cluster.get('opts', 5 as unknown as undefined), /get options must be an object, got 5/],
      [cluster.put('opts', 1, 'w=2' as unknown as undefined), /put options must be an object, got "w=2"/],
      [cluster.delete('opts', [] as unknown as undefined), /delete options must be an object, got an array/],
      [cluster.get('opts', { timeout: 5 } as unknown as undefined), /unknown option 'timeout' for get/],
      [cluster.put('opts', 1, { R: 2 } as unknown as undefined), /unknown option 'R' for put/],
    ];
    for (const [attempt, message] of cases) {
      const error = await rejection(attempt);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(message);
    }
  });

  it('a value nested too deeply to be read back is INVALID_ARGUMENT, not a RangeError', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const error = await rejection(cluster.put('deep', deep));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/nested too deeply|cannot be stored/);
  });

  it('a context carrying a function or a symbol is INVALID_ARGUMENT at once, not a TIMEOUT', async () => {
    await cluster.put('ctx-fn', 1);
    const { context } = await cluster.get('ctx-fn');
    expect(Object.keys(context.clock).length).toBeGreaterThan(0);
    const entries = Object.entries(context.clock);
    const withFunction = { ...context, clock: Object.fromEntries(entries.map(([actor, entry]) => [actor, { ...entry, fn: () => 1 }])) };
    const withSymbol = { ...context, [Symbol('x')]: 1 };
    const started = Date.now();
    for (const bad of [withFunction, withSymbol]) {
      expect((await rejection(cluster.put('ctx-fn', 2, { context: bad as unknown as typeof context, timeoutMs: 5000 }))).code).toBe('INVALID_ARGUMENT');
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a context changed by the caller after the put started changes nothing', async () => {
    const first = await cluster.put('ctx-copy', 'one');
    const context = structuredClone(first.context);
    const writing = cluster.put('ctx-copy', 'two', { context });
    for (const entry of Object.values(context.clock)) (entry as { counter: number }).counter = 10 ** 9;
    await writing;
    expect((await cluster.get('ctx-copy', { r: 3 })).values).toEqual(['two']);
  });

  it('reports stats per node and in total', async () => {
    await cluster.put('counted', 1);
    await cluster.get('counted');
    const stats = await cluster.stats();
    expect(stats.nodes).toHaveLength(5);
    for (const node of stats.nodes) {
      expect(node).toMatchObject({ keys: expect.any(Number), hintsPending: 0, clockPrunes: 0, invalidMessages: 0 });
      expect(node.messagesIn).toBeGreaterThan(0);
    }
    expect(stats.totals.keys).toBeGreaterThanOrEqual(3);
    expect(stats.stopped).toEqual([]);
  });

  it('refuses to remove a node when fewer than N would remain', async () => {
    const small = await Cluster.start({ nodes: 3, n: 3 });
    try {
      const error = await rejection(small.removeNode('node-1'));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/fewer nodes than n \(3\)/);
    } finally {
      await small.stop();
    }
  });
});

describe('Cluster lifecycle', () => {
  it('requests in flight when the cluster stops reject with STOPPED, later calls too', async () => {
    const cluster = await Cluster.start({ nodes: 3 });
    const pending = Promise.all(Array.from({ length: 50 }, (_, i) => cluster.put(`k${i}`, i)));
    const stopping = cluster.stop();
    const error = await rejection(pending);
    expect(error.code).toBe('STOPPED');
    await stopping;
    expect((await rejection(cluster.get('k'))).code).toBe('STOPPED');
    await cluster.stop(); // twice is fine
  });

  it('topology changes run one at a time: two joins at once both join, two starts of one node start it once', async () => {
    const cluster = await Cluster.start({ nodes: 3, n: 3 });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => cluster.put(`k${i}`, i, { w: 3 })));
      const added = await Promise.all([cluster.addNode(), cluster.addNode()]);
      expect(new Set(added).size).toBe(2);
      expect(cluster.nodeIds).toEqual(['node-1', 'node-2', 'node-3', ...added]);
      await cluster.stopNode('node-2');
      const starts = await Promise.allSettled([cluster.startNode('node-2'), cluster.startNode('node-2')]);
      expect(starts.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((await cluster.stats()).nodes.map((n) => n.nodeId).sort()).toEqual(['node-1', 'node-2', 'node-3', ...added].sort());
      for (let i = 0; i < 20; i++) expect((await cluster.get(`k${i}`, { r: 3 })).values).toEqual([i]);
    } finally {
      await cluster.stop();
    }
  });

  it('a join still under way when the cluster stops rejects with STOPPED and leaves no thread behind', async () => {
    const cluster = await Cluster.start({ nodes: 3 });
    const adding = rejection(cluster.addNode());
    await cluster.stop();
    expect((await adding).code).toBe('STOPPED');
  });

  it('a topology change cut short by stop() rejects with STOPPED, never a bare error', async () => {
    for (let delay = 0; delay < 4; delay++) {
      const cluster = await Cluster.start({ nodes: 3 });
      const change = cluster.partition([['node-1']]).then(
        () => 'done',
        (error: unknown) => error,
      );
      for (let i = 0; i < delay; i++) await new Promise((resolve) => setImmediate(resolve));
      await cluster.stop();
      const outcome = await change;
      if (outcome !== 'done') {
        expect(outcome).toBeInstanceOf(DynamoError);
        expect((outcome as DynamoError).code).toBe('STOPPED');
      }
    }
  });

  it('a node whose thread dies is treated as stopped, and the cluster keeps serving', async () => {
    const cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 2 });
    try {
      await cluster.put('k', 'v', { w: 3 });
      // Kill node-2's thread behind the cluster's back, as a native crash would.
      const handle = (cluster as unknown as { topology: { handles(): { nodeId: string; worker: { terminate(): Promise<number> } }[] } }).topology
        .handles()
        .find((h) => h.nodeId === 'node-2');
      await handle?.worker.terminate();
      await eventually(() => cluster.stats(), (stats) => stats.stopped.includes('node-2'));
      expect((await cluster.stats()).stopped).toEqual(['node-2']);
      for (let i = 0; i < 10; i++) await cluster.put(`after${i}`, i);
      expect((await cluster.get('k')).values).toEqual(['v']);
      await cluster.startNode('node-2');
      expect((await cluster.stats()).stopped).toEqual([]);
    } finally {
      await cluster.stop();
    }
  });

  it('a request with no running node to take it fails with TIMEOUT', async () => {
    const cluster = await Cluster.start({ nodes: 1, n: 1, r: 1, w: 1 });
    try {
      await cluster.stopNode('node-1');
      const error = await rejection(cluster.get('k', { timeoutMs: 200 }));
      expect(error.code).toBe('TIMEOUT');
    } finally {
      await cluster.stop();
    }
  });

  it('contexts handed out keep at most clockPruneAt actors, the prunes are counted, and replicas keep the full clock', async () => {
    // Each write goes to a node other than the last one (that one is stopped for it), and a
    // restarted node mints under a new actor: the chain of writes gathers more actors than
    // clockPruneAt allows.
    const cluster = await Cluster.start({ nodes: 3, n: 3, r: 2, w: 2, clockPruneAt: 2 });
    try {
      let context = (await cluster.put('k', 0)).context;
      for (let i = 1; i <= 6; i++) {
        const down = `node-${(i % 3) + 1}`;
        await cluster.stopNode(down);
        context = (await cluster.put('k', i, { context })).context;
        expect(Object.keys(context.clock).length).toBeLessThanOrEqual(2);
        await cluster.startNode(down);
      }
      const read = await cluster.get('k', { r: 2 });
      expect(read.values).toEqual([6]);
      expect(Object.keys(read.context.clock).length).toBeLessThanOrEqual(2);
      expect((await cluster.stats()).totals.clockPrunes).toBeGreaterThan(0);
      // What a replica stores is what tells it an old version is dead: it is not cut to 2.
      const widest = Math.max(...(await cluster.inspect('k')).map((entry) => Object.keys(entry.clock).length));
      expect(widest).toBeGreaterThan(2);
    } finally {
      await cluster.stop();
    }
  });
});
