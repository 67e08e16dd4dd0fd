/**
 * The floors of the runs of one bench invocation: one FloorMesh per node count, started the
 * first time a run needs it and kept until the invocation ends. Starting 20 threads costs
 * more than measuring a 200-request configuration on them, and the suite runs many
 * configurations on the same node counts; each measurement sets the nodes up afresh, so a
 * reused mesh carries nothing from one run to the next but its warm JIT.
 */
import { FloorMesh, type FloorFigures, type FloorSizing, type FloorSpec } from './floor.js';
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
  private readonly meshes = new Map<number, Promise<FloorMesh>>();
  private readonly used = new Set<FloorMesh>();

  /** The floor of `run`, on a mesh of `run.nodes` threads. A mesh that failed is closed and forgotten. */
  async measure(run: RunDescription, sizing: FloorSizing): Promise<FloorFigures> {
    const mesh = await this.meshFor(run.nodes);
    const warmupOps = this.used.has(mesh) ? sizing.warmupOps : Math.max(sizing.warmupOps, FRESH_MESH_WARMUP_OPS);
    try {
      const { figures } = await mesh.measure(floorSpecOf(run, { ops: sizing.ops, warmupOps }));
      this.used.add(mesh);
      return figures;
    } catch (error) {
      // A spec the floor refuses (RangeError) leaves the threads as they were; anything else
      // may have left them broken or mid-run.
      if (!(error instanceof RangeError)) {
        this.meshes.delete(run.nodes);
        await mesh.close();
      }
      throw error;
    }
  }

  /** Terminates every mesh's threads. */
  async close(): Promise<void> {
    const meshes = [...this.meshes.values()];
    this.meshes.clear();
    this.used.clear();
    const settled = await Promise.allSettled(meshes);
    await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
  }

  private meshFor(nodes: number): Promise<FloorMesh> {
    let mesh = this.meshes.get(nodes);
    if (!mesh) {
      mesh = FloorMesh.start(nodes);
      this.meshes.set(nodes, mesh);
      // A mesh that could not start is not kept: the next run tries again.
      const starting = mesh;
      starting.catch(() => {
        if (this.meshes.get(nodes) === starting) this.meshes.delete(nodes);
      });
    }
    return mesh;
  }
}
