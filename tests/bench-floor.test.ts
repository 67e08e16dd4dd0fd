import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaselineError } from '../bench/baseline.js';
import { FloorMesh, measureFloor, type FloorMeasurement, type FloorSpec } from '../bench/floor.js';
import { floorSizing } from '../bench/floor-sizing.js';
import { FloorPool } from '../bench/floor-pool.js';
import { fnv1a, replicasOf } from '../bench/floor-placement.js';
import type { RunDescription } from '../bench/summary.js';

const KEYS = 40;
const VALUE_BYTES = 100;
const OPS = 300;

function spec(overrides: Partial<FloorSpec> = {}): FloorSpec {
  return { N: 3, W: 2, R: 2, coordination: 'node', concurrency: 1, keys: KEYS, valueBytes: VALUE_BYTES, readRatio: 0.5, seed: 7, ops: OPS, warmupOps: 30, ...overrides };
}

/** What every request must have moved, whatever the mode: 2N messages, N values of the run's size. */
function expectHonestTraffic(measured: FloorMeasurement, used: FloorSpec): void {
  const { traffic, figures } = measured;
  expect(traffic.requests).toBe(used.ops + used.warmupOps);
  expect(traffic.messages).toBe(traffic.requests * 2 * used.N);
  expect(figures.messages_per_op).toBe(2 * used.N);
  // A put carries its value to N replicas (through the coordinator in node coordination); a
  // get brings N copies back (N-1 replica answers and the coordinator's, or N replica answers).
  expect(traffic.valueBytes).toBe(traffic.requests * used.N * used.valueBytes);
  // Batching never sends more postMessages than messages.
  expect(traffic.batches).toBeGreaterThan(0);
  expect(traffic.batches).toBeLessThanOrEqual(traffic.messages);
  // The preload put every key on its N replicas.
  expect(traffic.copiesHeld).toBe(used.keys * used.N);
}

function expectSaneFigures(measured: FloorMeasurement, ops: number): void {
  const { figures } = measured;
  expect(figures.ops).toBe(ops);
  expect(figures.p50_us).toBeGreaterThan(0);
  expect(figures.p50_us).toBeLessThanOrEqual(figures.p99_us);
  expect(figures.p99_us).toBeLessThanOrEqual(figures.p999_us);
  expect(figures.p50_us).toBeLessThan(100_000);
  expect(figures.throughput_ops_s).toBeGreaterThan(0);
  expect(Number.isFinite(figures.mean_us)).toBe(true);
}

describe('floor - placement', () => {
  it('gives every key N distinct nodes, the same on every call', () => {
    for (let i = 0; i < 200; i++) {
      const replicas = replicasOf(`key${i}`, 5, 3);
      expect(new Set(replicas).size).toBe(3);
      for (const node of replicas) expect(node >= 0 && node < 5).toBe(true);
      expect(replicasOf(`key${i}`, 5, 3)).toEqual(replicas);
    }
  });

  it('spreads the first replica over every node', () => {
    const firsts = new Set(Array.from({ length: 100 }, (_, i) => replicasOf(`key${i}`, 5, 3)[0]));
    expect(firsts.size).toBe(5);
  });

  it('hashes with 32-bit FNV-1a', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });

  it('refuses more replicas than nodes', () => {
    expect(() => replicasOf('key0', 3, 4)).toThrow(RangeError);
  });
});

describe('floor - sizing', () => {
  it('measures between 2000 and 20000 requests at concurrency 1, with a warm-up of at least 200', () => {
    expect(floorSizing(500)).toEqual({ ops: 2000, warmupOps: 200 });
    expect(floorSizing(5000)).toEqual({ ops: 5000, warmupOps: 500 });
    expect(floorSizing(1_000_000)).toEqual({ ops: 20_000, warmupOps: 2000 });
    // At least as warm as the run it is compared with.
    expect(floorSizing(20_000, 60_000)).toEqual({ ops: 20_000, warmupOps: 60_000 });
    expect(floorSizing(20_000, 500)).toEqual({ ops: 20_000, warmupOps: 2000 });
  });

  it('measures as many requests as the run above concurrency 1, up to 60000', () => {
    expect(floorSizing(60_000, 60_000, 64)).toEqual({ ops: 60_000, warmupOps: 60_000 });
    expect(floorSizing(1_000_000, 0, 4)).toEqual({ ops: 60_000, warmupOps: 6000 });
    expect(floorSizing(500, 0, 64)).toEqual({ ops: 2000, warmupOps: 200 });
    expect(floorSizing(60_000, 60_000, 1)).toEqual({ ops: 20_000, warmupOps: 60_000 });
  });
});

describe('floor - the same messages and bytes as the engine, N=3 W=2 R=2 on 5 nodes', () => {
  let mesh: FloorMesh;
  beforeAll(async () => {
    mesh = await FloorMesh.start(5);
  });
  afterAll(async () => {
    await mesh.close();
  });

  for (const coordination of ['node', 'client'] as const) {
    for (const concurrency of [1, 8]) {
      it(`${coordination} coordination, concurrency ${concurrency}: 2N messages and N values per request`, async () => {
        const used = spec({ coordination, concurrency });
        const measured = await mesh.measure(used);
        expectSaneFigures(measured, OPS);
        expectHonestTraffic(measured, used);
      });
    }
  }

  it('sets the nodes up afresh for each run on the same threads', async () => {
    for (const used of [spec({ N: 5, W: 3, R: 3, valueBytes: 10 }), spec({ N: 1, W: 1, R: 1, coordination: 'client', valueBytes: 0 }), spec({ N: 5, W: 5, R: 1, readRatio: 1 })]) {
      expectHonestTraffic(await mesh.measure(used), used);
    }
  });

  it('refuses a spec it cannot honour, and stays usable', async () => {
    await expect(mesh.measure(spec({ N: 6, W: 1, R: 1 }))).rejects.toThrow(RangeError);
    await expect(mesh.measure(spec({ W: 4 }))).rejects.toThrow(RangeError);
    await expect(mesh.measure(spec({ concurrency: 0 }))).rejects.toThrow(RangeError);
    expect(mesh.usable).toBe(true);
    expectHonestTraffic(await mesh.measure(spec()), spec());
  });
});

describe('floor - a single node', () => {
  it('N=1 in node coordination is the request and its answer', async () => {
    const used = spec({ N: 1, W: 1, R: 1, ops: 100, warmupOps: 0 });
    const measured = await measureFloor({ ...used, nodes: 1 });
    expectHonestTraffic(measured, used);
  });
});

describe('floor - a failing node thread rejects the measurement instead of hanging', () => {
  it('a node that throws', async () => {
    const measuring = measureFloor({ ...spec(), nodes: 5 }, { fault: { node: 1, afterMessages: 20, how: 'throw' } });
    await expect(measuring).rejects.toThrow(BaselineError);
    await expect(measuring).rejects.toThrow(/floor node 1 failed: floor node 1: fault injected by a test/);
  });

  it('a node that stops answering, after the stall timeout', async () => {
    const startedMs = performance.now();
    const measuring = measureFloor({ ...spec({ concurrency: 4 }), nodes: 5 }, { fault: { node: 2, afterMessages: 20, how: 'silence' }, stallTimeoutMs: 300 });
    await expect(measuring).rejects.toThrow(/the node threads sent nothing for 300 ms \(waiting for /);
    expect(performance.now() - startedMs).toBeLessThan(20_000);
  });

  it('a measurement whose counts do not add up fails, and the mesh refuses the next one', async () => {
    const mesh = await FloorMesh.start(3, { fault: { node: 1, afterMessages: 0, how: 'miscount' } });
    try {
      const failure: unknown = await mesh.measure(spec()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BaselineError);
      expect(String(failure)).toMatch(/messages sent but \d+ received/);
      expect(mesh.usable).toBe(false);
      // Refused at once with the same failure, not measured again.
      expect(await mesh.measure(spec()).catch((error: unknown) => error)).toBe(failure);
    } finally {
      await mesh.close();
    }
  });

  it('warms up as the engine does: most of it at concurrency 64, where a turn carries many messages', async () => {
    const mesh = await FloorMesh.start(3);
    try {
      const used = spec({ concurrency: 1, ops: 100, warmupOps: 2000 });
      const measured = await mesh.measure(used);
      expectHonestTraffic(measured, used);
      // One request at a time sends about one message a batch; 1,800 of these 2,100 requests
      // ran 64 at a time.
      expect(measured.traffic.batches).toBeLessThan(measured.traffic.messages * 0.6);
    } finally {
      await mesh.close();
    }
  });

  it('a seed it cannot use is refused before anything is sent, and leaves the mesh usable', async () => {
    const mesh = await FloorMesh.start(3);
    try {
      await expect(mesh.measure(spec({ seed: -1 }))).rejects.toThrow(RangeError);
      expect(mesh.usable).toBe(true);
      expectHonestTraffic(await mesh.measure(spec()), spec());
    } finally {
      await mesh.close();
    }
  });

  it('a mesh that failed refuses further measurements', async () => {
    const mesh = await FloorMesh.start(3, { fault: { node: 0, afterMessages: 5, how: 'throw' } });
    try {
      expect(mesh.usable).toBe(true);
      await expect(mesh.measure(spec())).rejects.toThrow(BaselineError);
      expect(mesh.usable).toBe(false);
      await expect(mesh.measure(spec())).rejects.toThrow(/floor node 0 failed/);
    } finally {
      await mesh.close();
    }
  });
});

describe('floor - the pool of one invocation', () => {
  const run = (overrides: Partial<RunDescription>): RunDescription => ({
    ops: 100, N: 3, W: 2, R: 2, nodes: 5, concurrency: 1, coordination: 'node', rateOpsPerS: undefined, keys: KEYS, valueBytes: VALUE_BYTES, readRatio: 0.5, seed: 1, ...overrides,
  });

  it("measures each run on the first threads of one mesh, with the run's own quorums", async () => {
    const pool = new FloorPool();
    try {
      const five = await pool.measure(run({}), { ops: 100, warmupOps: 10 });
      const three = await pool.measure(run({ nodes: 3, N: 3, W: 3, R: 1, coordination: 'client' }), { ops: 100, warmupOps: 10 });
      const again = await pool.measure(run({ N: 5, W: 3, R: 3, concurrency: 4 }), { ops: 100, warmupOps: 10 });
      expect([five.messages_per_op, three.messages_per_op, again.messages_per_op]).toEqual([6, 6, 10]);
      // The 3-node run took three of the five threads; none was started for it.
      expect(pool.threadsStarted).toBe(5);
    } finally {
      await pool.close();
    }
  });

  it('keeps its mesh after a run it refuses, and starts another after a measurement that failed', async () => {
    const pool = new FloorPool(3, { fault: { node: 0, afterMessages: 5, how: 'throw' } });
    try {
      await expect(pool.measure(run({ nodes: 3, N: 3, W: 4 }), { ops: 50, warmupOps: 0 })).rejects.toThrow(RangeError);
      expect(pool.threadsStarted).toBe(3);
      // Every mesh of this pool has a node that throws after five messages.
      await expect(pool.measure(run({ nodes: 3 }), { ops: 50, warmupOps: 0 })).rejects.toThrow(/floor node 0 failed/);
      expect(pool.threadsStarted).toBe(3);
      await expect(pool.measure(run({ nodes: 3 }), { ops: 50, warmupOps: 0 })).rejects.toThrow(/floor node 0 failed/);
      expect(pool.threadsStarted).toBe(6);
    } finally {
      await pool.close();
    }
  });

  it('starts the planned size at once, and a larger mesh only when a run needs more', async () => {
    const planned = new FloorPool(5);
    const unplanned = new FloorPool();
    try {
      await planned.measure(run({ nodes: 3 }), { ops: 50, warmupOps: 0 });
      await planned.measure(run({ nodes: 5 }), { ops: 50, warmupOps: 0 });
      expect(planned.threadsStarted).toBe(5);
      await unplanned.measure(run({ nodes: 3 }), { ops: 50, warmupOps: 0 });
      const five = await unplanned.measure(run({ nodes: 5, N: 5, W: 5, R: 5 }), { ops: 50, warmupOps: 0 });
      expect(unplanned.threadsStarted).toBe(8);
      expect(five.messages_per_op).toBe(10);
    } finally {
      await Promise.all([planned.close(), unplanned.close()]);
    }
  });

  it('warms up longer on threads that have not run a floor yet, also after a larger run on the same mesh', async () => {
    const pool = new FloorPool(5);
    const sizing = { ops: 50, warmupOps: 10 };
    try {
      const warmups: number[] = [];
      for (const nodes of [3, 3, 5, 4, 5]) {
        await pool.measure(run({ nodes }), sizing);
        warmups.push(pool.lastWarmupOps);
      }
      // Fresh threads (the first three, then the last two) get 200; threads that ran get the run's own.
      expect(warmups).toEqual([200, 10, 200, 10, 10]);
      expect(pool.threadsStarted).toBe(5);
    } finally {
      await pool.close();
    }
  });

  it('leaves the threads past the run idle: only the run\'s nodes hold keys and carry messages', async () => {
    const mesh = await FloorMesh.start(5);
    try {
      const used = spec({ N: 3, coordination: 'client' });
      const measured = await mesh.measure(used, 3);
      expectHonestTraffic(measured, used);
      await expect(mesh.measure(used, 6)).rejects.toThrow(/a floor of 6 nodes does not fit a mesh of 5 threads/);
      await expect(mesh.measure(spec({ N: 4 }), 3)).rejects.toThrow(/N \(4\) must not exceed the floor's 3 nodes/);
      // A refused spec leaves the mesh as it was.
      expectHonestTraffic(await mesh.measure(used, 4), used);
    } finally {
      await mesh.close();
    }
  });
});
