/**
 * riak_test's sibling_explosion through the real threads and the public API: two writers that
 * each write over the context of their own last write, through one coordinator, keep two
 * siblings, and their contexts stay small however long they go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type Context } from '../src/index.js';

describe('contexts stay bounded through the API', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 2 });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('two writers interleaving 5,000 puts over their own contexts through one coordinator: 2 siblings, contexts under 600 bytes', async () => {
    await cluster.put('cart', 'start');
    // Both start from one read, so both send their writes to the node that answered it.
    const { context } = await cluster.get('cart');
    let a: Context = context;
    let b: Context = context;
    let largest = 0;
    for (let i = 0; i < 2500; i++) {
      a = (await cluster.put('cart', `a${i}`, { context: a })).context;
      b = (await cluster.put('cart', `b${i}`, { context: b })).context;
      largest = Math.max(largest, JSON.stringify(a).length, JSON.stringify(b).length);
    }
    expect(a.readFrom).toBe(b.readFrom);
    expect(largest).toBeLessThan(600);
    const read = await cluster.get('cart', { r: 3 });
    expect([...read.values].sort()).toEqual(['a2499', 'b2499']);
    expect(JSON.stringify(read.context).length).toBeLessThan(600);
    for (const holding of await cluster.inspect('cart')) expect(JSON.stringify(holding.clock).length).toBeLessThan(600);
  }, 60_000);
});
