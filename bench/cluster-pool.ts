/**
 * The suite's clusters. Runs that need the same cluster (node count, N, coordination, vnodes,
 * request timeout and value limit) share one, already warm, and ask for their own R and W
 * per request; starting a cluster costs more than most runs measure (5 worker threads that
 * load and compile the engine from scratch, 20 for the N=20 configurations). One cluster is
 * kept at a time: the suite runs the runs that share one back to back (see clusterKeyOf), and
 * asking for another stops the one kept. Its clusters take their threads from one pool
 * (NodeThreads): a cluster stopped hands them back, and the next one's nodes start on them,
 * empty, on code compiled by the runs before instead of from scratch.
 */
import { Cluster, NodeThreads } from '../src/index.js';
import type { RunDescription } from './summary.js';

/** What a run's cluster is made of (a RunSpec has it all). */
export interface ClusterShape {
  readonly nodes: number;
  readonly N: number;
  readonly W: number;
  readonly R: number;
  readonly vnodes: number;
  readonly coordination: RunDescription['coordination'];
  readonly timeoutMs: number;
  readonly valueBytes: number;
}

/**
 * The cluster of a run: the engine's default value limit (1 MiB, serialized), or more when the
 * run's values need it (a string serializes to its length plus a few header bytes).
 */
export function valueLimitBytes(valueBytes: number): number {
  return Math.max(1024 * 1024, valueBytes + 1024);
}

/** Starts the cluster `spec` runs on (on `threads`, if given); its R and W are the cluster's defaults. */
export function startRunCluster(spec: ClusterShape, threads?: NodeThreads): Promise<Cluster> {
  return Cluster.start({
    nodes: spec.nodes,
    n: spec.N,
    r: spec.R,
    w: spec.W,
    vnodes: spec.vnodes,
    coordination: spec.coordination,
    requestTimeoutMs: spec.timeoutMs,
    maxValueBytes: valueLimitBytes(spec.valueBytes),
    ...(threads === undefined ? {} : { threads }),
  });
}

/** Runs with equal keys can share a cluster: everything Cluster.start takes but R and W. */
export function clusterKeyOf(spec: ClusterShape): string {
  return [spec.nodes, spec.N, spec.coordination, spec.vnodes, spec.timeoutMs, valueLimitBytes(spec.valueBytes)].join('/');
}

export class ClusterPool {
  private kept: { readonly key: string; readonly cluster: Cluster } | undefined;
  private readonly threads = new NodeThreads();
  /** Clusters started so far (for the report and the tests). */
  started = 0;

  /**
   * The cluster for `spec`: the one kept when it fits (`warm`: it has run before), else a new
   * one (the kept one stops).
   */
  async acquire(spec: ClusterShape): Promise<{ readonly cluster: Cluster; readonly warm: boolean }> {
    const key = clusterKeyOf(spec);
    if (this.kept?.key === key) return { cluster: this.kept.cluster, warm: true };
    await this.stopKept();
    const cluster = await startRunCluster(spec, this.threads);
    this.started++;
    this.kept = { key, cluster };
    return { cluster, warm: false };
  }

  /** Stops the cluster kept, if any; its threads wait in the pool, running nothing, for the next. */
  async stopKept(): Promise<void> {
    const kept = this.kept;
    this.kept = undefined;
    await kept?.cluster.stop();
  }

  /** Stops the cluster kept and ends every thread: the pool is done with. */
  async close(): Promise<void> {
    try {
      await this.stopKept();
    } finally {
      await this.threads.close();
    }
  }
}
