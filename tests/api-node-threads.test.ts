/**
 * NodeThreads: worker threads kept between clusters. A cluster started on the pool takes its
 * nodes' threads from it and hands them back on stop; the next node on a thread starts empty.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster, DynamoError, NodeThreads } from '../src/index.js';
import { NodeHandle } from '../src/runtime/node-handle.js';
import { ThreadPool } from '../src/runtime/thread-pool.js';
import { DEFAULT_TUNING } from '../src/core/config.js';

const opened: (Cluster | NodeThreads)[] = [];
function track<T extends Cluster | NodeThreads>(x: T): T {
  opened.push(x);
  return x;
}

afterEach(async () => {
  // Clusters first, so that their threads go back to pools that then end them.
  for (const x of opened.splice(0).reverse()) {
    if (x instanceof Cluster) await x.stop();
  }
  for (const x of opened.splice(0)) if (x instanceof NodeThreads) await x.close();
});

async function expectInvalid(run: () => unknown, message: RegExp): Promise<void> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(DynamoError);
  expect((error as DynamoError).code).toBe('INVALID_ARGUMENT');
  expect((error as DynamoError).message).toMatch(message);
}

describe('NodeThreads', () => {
  it('a stopped cluster hands its threads back; the next one runs on them, starting empty', async () => {
    const threads = new NodeThreads();
    opened.push(threads);
    const first = await Cluster.start({ nodes: 3, n: 3, r: 2, w: 2, threads });
    await first.put('k', 'from the first cluster', { w: 3 });
    // Left in force when it stops: the next nodes on these threads must not inherit it.
    await first.partition([['node-1'], ['node-2', 'node-3']]);
    await first.stop();
    expect({ idle: threads.idle, started: threads.started, reused: threads.reused }).toEqual({ idle: 3, started: 3, reused: 0 });

    const second = track(await Cluster.start({ nodes: 3, n: 3, r: 3, w: 2, threads }));
    expect({ idle: threads.idle, started: threads.started, reused: threads.reused }).toEqual({ idle: 0, started: 3, reused: 3 });
    // Nothing of the first cluster's nodes is left: no data, and the nodes count from zero.
    expect((await second.get('k')).values).toEqual([]);
    const stats = await second.stats();
    expect(stats.nodes.map((node) => node.keys)).toEqual([0, 0, 0]);
    expect(stats.nodes.map((node) => node.partitionedFrom)).toEqual([[], [], []]);
    expect(stats.nodes.map((node) => node.messagesDropped)).toEqual([0, 0, 0]);
    await second.put('k', 'from the second', { w: 3 });
    expect((await second.get('k')).values).toEqual(['from the second']);
    await second.stop();
    expect(threads.idle).toBe(3);
    await threads.close();
    expect(threads.idle).toBe(0);
    expect(threads.closed).toBe(true);
  }, 30_000);

  it('a larger cluster takes every waiting thread and starts the rest; at most maxIdle wait', async () => {
    const threads = track(new NodeThreads({ maxIdle: 2 }));
    await (await Cluster.start({ nodes: 3, n: 3, threads })).stop();
    expect({ idle: threads.idle, started: threads.started }).toEqual({ idle: 2, started: 3 });
    const bigger = track(await Cluster.start({ nodes: 4, n: 3, threads }));
    expect({ idle: threads.idle, started: threads.started, reused: threads.reused }).toEqual({ idle: 0, started: 5, reused: 2 });
    await bigger.put('k', 'v');
    expect((await bigger.get('k')).values).toEqual(['v']);
    await bigger.stop();
    expect(threads.idle).toBe(2);
  }, 30_000);

  it('stopNode ends that node thread; startNode takes a waiting one', async () => {
    const threads = track(new NodeThreads());
    await (await Cluster.start({ nodes: 3, n: 3, threads })).stop();
    const cluster = track(await Cluster.start({ nodes: 2, n: 2, r: 1, w: 1, threads }));
    expect(threads.idle).toBe(1);
    await cluster.stopNode('node-1');
    // A node stopped on its own is a crash: its thread ends, it does not wait in the pool.
    expect(threads.idle).toBe(1);
    await cluster.startNode('node-1');
    expect({ idle: threads.idle, reused: threads.reused }).toEqual({ idle: 0, reused: 3 });
    await cluster.put('k', 'v', { w: 2 });
    expect((await cluster.get('k', { r: 2 })).values).toEqual(['v']);
  }, 30_000);

  it('a cluster that stops after its pool closed ends its threads', async () => {
    const threads = track(new NodeThreads());
    const cluster = track(await Cluster.start({ nodes: 2, n: 2, threads }));
    await threads.close();
    await cluster.stop();
    expect(threads.idle).toBe(0);
    await expectInvalid(() => Cluster.start({ nodes: 2, threads }), /threads: this NodeThreads pool is closed/);
  }, 30_000);

  it('refuses what is not a pool, and bad pool options, naming them', async () => {
    await expectInvalid(() => Cluster.start({ nodes: 1, threads: {} as NodeThreads }), /threads must be a NodeThreads pool/);
    await expectInvalid(() => new NodeThreads({ maxIdle: -1 }), /maxIdle must be an integer from 0 to 256, got -1/);
    await expectInvalid(() => new NodeThreads({ maxIdle: 1.5 }), /maxIdle must be an integer/);
    await expectInvalid(() => new NodeThreads({ idle: 3 } as never), /does not know the option "idle"/);
  });
});

describe('ThreadPool', () => {
  const identity = (nodeId: string) => ({ nodeId, actorId: `${nodeId}#1`, tuning: { ...DEFAULT_TUNING, n: 1, r: 1, w: 1 }, membership: { nodes: [nodeId], epoch: 1 } });

  it('a thread that ends while it waits leaves the pool', async () => {
    const pool = new ThreadPool(4);
    const handle = await NodeHandle.spawn(identity('node-1'));
    const thread = await handle.release();
    expect(thread).not.toBeNull();
    if (thread === null) return;
    await pool.give(thread);
    expect(pool.idle).toBe(1);
    const exited = new Promise((resolve) => thread.worker.once('exit', resolve));
    await thread.worker.terminate();
    await exited;
    expect(pool.idle).toBe(0);
    expect(pool.take()).toBeUndefined();
    await pool.close();
  }, 30_000);

  it('a retired thread runs nothing: no maintenance rounds, no timers, its event loop idle', async () => {
    const handle = await NodeHandle.spawn(identity('node-1'));
    const thread = await handle.release();
    if (thread === null) throw new Error('the thread did not retire');
    try {
      const before = thread.worker.performance.eventLoopUtilization();
      await new Promise((resolve) => setTimeout(resolve, 500));
      // A node's maintenance round alone runs every 100 ms; a retired thread wakes for nothing.
      expect(thread.worker.performance.eventLoopUtilization(before).active).toBeLessThan(1);
    } finally {
      thread.controlPort.close();
      await thread.worker.terminate();
    }
  }, 30_000);

  it('a thread taken from the pool runs the node it is given, and answers as that node', async () => {
    const pool = new ThreadPool(4);
    const first = await NodeHandle.spawn(identity('node-1'));
    const thread = await first.release();
    if (thread === null) throw new Error('the thread did not retire');
    await pool.give(thread);
    const taken = pool.take();
    if (taken === undefined) throw new Error('the pool handed out nothing');
    const second = await NodeHandle.adopt(taken, identity('node-7'));
    expect((await second.stats()).nodeId).toBe('node-7');
    // The first handle is done with: its calls fail as a stopped node's would.
    await expect(first.stats()).rejects.toMatchObject({ code: 'STOPPED' });
    await second.terminate();
    await pool.close();
  }, 30_000);
});
