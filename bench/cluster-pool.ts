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
import { Cluster, NodeThreads, type ClusterOptions } from '../src/index.js';
import { freshClusterData, type ClusterData, type StorageSummary } from './cluster-data.js';
import { MEMORY_STORAGE, type BenchStorage } from './storage-args.js';
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

/**
 * Starts the cluster `spec` runs on (on `threads`, if given; with its data in `storage`, by
 * default in memory); its R and W are the cluster's defaults.
 */
export function startRunCluster(spec: ClusterShape, threads?: NodeThreads, storage?: ClusterOptions['storage']): Promise<Cluster> {
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
    ...(storage === undefined ? {} : { storage }),
  });
}

/** Runs with equal keys can share a cluster: everything Cluster.start takes but R and W. */
export function clusterKeyOf(spec: ClusterShape): string {
  return [spec.nodes, spec.N, spec.coordination, spec.vnodes, spec.timeoutMs, valueLimitBytes(spec.valueBytes)].join('/');
}

/** A cluster the pool hands out, and what the runs before left on it. */
export interface AcquiredCluster {
  readonly cluster: Cluster;
  /**
   * Its code is compiled where the run needs it, so a warm-up would add nothing: the cluster
   * ran before, or every one of its nodes started on a thread that ran an earlier cluster
   * and the main thread has already driven a cluster of the same coordination mode (whose
   * requests it coordinates in client coordination).
   */
  readonly warm: boolean;
  /** What the runs before wrote on this very cluster; null for a cluster that has just started. */
  readonly written: WrittenKeys | null;
  /** Where it keeps its data. */
  readonly storage: StorageSummary;
}

/** Keys key0..key{keys-1} hold data written by an earlier run on the cluster, values of `valueBytes`. */
export interface WrittenKeys {
  readonly keys: number;
  readonly valueBytes: number;
}

export class ClusterPool {
  private kept: { readonly key: string; readonly cluster: Cluster; readonly data: ClusterData; written: WrittenKeys | null } | undefined;
  private readonly threads = new NodeThreads();
  /** The coordination modes of the clusters started so far: the main thread has run their code. */
  private readonly modesRun = new Set<RunDescription['coordination']>();
  /** Clusters started so far (for the report and the tests). */
  started = 0;
  /** Warm-ups run on the clusters (one at most each: none where it started warm, none with --warmup 0). */
  warmUps = 0;

  /** `storage`: where each of its clusters keeps its data (on LMDB, a new directory each). */
  constructor(private readonly storage: BenchStorage = MEMORY_STORAGE) {}

  /** The cluster for `spec`: the one kept when it fits, else a new one (the kept one stops). */
  async acquire(spec: ClusterShape): Promise<AcquiredCluster> {
    const key = clusterKeyOf(spec);
    const kept = this.kept;
    if (kept?.key === key) return { cluster: kept.cluster, warm: true, written: kept.written, storage: kept.data.summary };
    await this.stopKept();
    const threadsBefore = this.threads.started;
    const data = await freshClusterData(this.storage);
    let cluster: Cluster;
    try {
      cluster = await startRunCluster(spec, this.threads, data.option);
    } catch (error) {
      await data.release();
      throw error;
    }
    const warm = this.threads.started === threadsBefore && this.modesRun.has(spec.coordination);
    this.modesRun.add(spec.coordination);
    this.started++;
    this.kept = { key, cluster, data, written: null };
    return { cluster, warm, written: null, storage: data.summary };
  }

  /** A run ran its warm-up on the cluster it acquired (measureRun says so). */
  warmedUp(): void {
    this.warmUps++;
  }

  /** A run on `cluster` wrote every key of `written` (the next run on it may read them instead). */
  wrote(cluster: Cluster, written: WrittenKeys): void {
    if (this.kept?.cluster === cluster) this.kept.written = written;
  }

  /**
   * Stops the cluster kept, if any; its threads wait in the pool, running nothing, for the
   * next. Its data directory goes once its nodes have closed their environments.
   */
  async stopKept(): Promise<void> {
    const kept = this.kept;
    this.kept = undefined;
    if (kept === undefined) return;
    try {
      await kept.cluster.stop();
    } finally {
      await kept.data.release();
    }
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
