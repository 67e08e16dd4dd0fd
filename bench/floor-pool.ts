/**
 * The floors of the runs of one bench invocation, on one FloorMesh kept until the invocation
 * ends. Starting threads costs more than measuring a 200-request configuration on them, and
 * the suite runs many configurations on 5, 10 and 20 nodes: a run of `nodes` nodes is measured
 * on the first `nodes` threads of the mesh, the rest waiting idle. The mesh is started at the
 * largest node count the invocation said it would need (`plannedNodes`), or, when a run needs
 * more, started again at that size. Each measurement sets its nodes up afresh, so a thread
 * carries nothing from one run to the next but its warm JIT.
 */
import { FloorMesh, type FloorFigures, type FloorOptions, type FloorSpec } from './floor.js';
import type { FloorSizing } from './floor-sizing.js';
import type { RunDescription } from './summary.js';

/** What the floor of a run measures: the run's own quorums, nodes, coordination, concurrency and workload. */
export function floorSpecOf(run: RunDescription, sizing: FloorSizing): FloorSpec {
  return {
    N: run.N,
    W: run.W,
    R: run.R,
    coordination: run.coordination,
    concurrency: run.concurrency,
    keys: run.keys,
    valueBytes: run.valueBytes,
    readRatio: run.readRatio,
    seed: run.seed,
    ...sizing,
  };
}

/** The least warm-up on threads that never ran a request: their JIT has not seen the code yet. */
const FRESH_MESH_WARMUP_OPS = 200;

export class FloorPool {
  private mesh: Promise<FloorMesh> | undefined;
  /** The size of the mesh started or starting. */
  private meshNodes = 0;
  /**
   * How many of the mesh's first threads have run a measurement: a run on more of them has
   * threads whose JIT is cold, and warms up as a fresh mesh does.
   */
  private warmNodes = 0;
  /** Threads started so far, over every mesh (for the report and the tests). */
  threadsStarted = 0;
  /** The warm-up the last measurement ran (for the tests). */
  lastWarmupOps = 0;

  /**
   * @param plannedNodes the largest node count the invocation's runs will ask for, if known.
   * @param meshOptions the options of every mesh it starts (a test seam: faults).
   */
  constructor(
    private readonly plannedNodes = 0,
    private readonly meshOptions: FloorOptions = {},
  ) {}

  /** The floor of `run`, on the first `run.nodes` threads of the mesh. A mesh that failed is closed and forgotten. */
  async measure(run: RunDescription, sizing: FloorSizing): Promise<FloorFigures> {
    const mesh = await this.meshFor(run.nodes);
    const warmupOps = run.nodes <= this.warmNodes ? sizing.warmupOps : Math.max(sizing.warmupOps, FRESH_MESH_WARMUP_OPS);
    this.lastWarmupOps = warmupOps;
    try {
      const { figures } = await mesh.measure(floorSpecOf(run, { ops: sizing.ops, warmupOps }), run.nodes);
      this.warmNodes = Math.max(this.warmNodes, run.nodes);
      return figures;
    } catch (error) {
      // A spec the floor refuses leaves the threads as they were; a measurement that failed
      // after it began leaves the mesh unusable.
      if (!mesh.usable) await this.forget();
      throw error;
    }
  }

  /** Terminates the mesh's threads. */
  async close(): Promise<void> {
    await this.forget();
  }

  /** The mesh, started (again, larger) when it has fewer than `nodes` threads. */
  private async meshFor(nodes: number): Promise<FloorMesh> {
    if (this.mesh !== undefined && nodes <= this.meshNodes) return this.mesh;
    await this.forget();
    const size = Math.max(nodes, this.plannedNodes);
    const mesh = FloorMesh.start(size, this.meshOptions);
    this.mesh = mesh;
    this.meshNodes = size;
    this.threadsStarted += size;
    try {
      return await mesh;
    } catch (error) {
      // A mesh that could not start is not kept: the next run tries again.
      if (this.mesh === mesh) this.reset();
      throw error;
    }
  }

  /** Closes the mesh, if any, and forgets it (and which of its threads were warm). */
  private async forget(): Promise<void> {
    const mesh = this.mesh;
    this.reset();
    // A mesh that failed to start has nothing to close.
    const started = await mesh?.catch(() => undefined);
    await started?.close();
  }

  private reset(): void {
    this.mesh = undefined;
    this.meshNodes = 0;
    this.warmNodes = 0;
  }
}
