/**
 * Worker threads kept between clusters, for programs and test suites that start many of them
 * one after the other: `Cluster.start({ ..., threads })` takes its nodes' threads from the
 * pool (and starts the rest), and `stop()` hands them back instead of ending them. A thread
 * handed back runs no node, holds no data and no port to anyone; the next node it runs
 * starts empty, as on a new thread, but on code already compiled: a cluster starts in a
 * fraction of the time (docs/PERFORMANCE.md, "Starting a node").
 *
 * A node stopped on its own (`stopNode`, `removeNode`) ends its thread, as without a pool.
 * Close the pool when done: its threads keep the process alive until then.
 */
import { ThreadPool } from '../runtime/thread-pool.js';
import { invalidArgument } from './errors.js';

export interface NodeThreadsOptions {
  /** Threads kept waiting at most; one handed back beyond that ends (default 64). */
  readonly maxIdle?: number;
}

const DEFAULT_MAX_IDLE_THREADS = 64;
/** As many as a cluster may have nodes (options.ts, MAX_NODES). */
const MAX_IDLE_THREADS = 256;

export class NodeThreads {
  readonly #pool: ThreadPool;

  constructor(options?: NodeThreadsOptions) {
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      throw invalidArgument('NodeThreads options must be an object');
    }
    for (const name of Object.keys(options ?? {})) {
      if (name !== 'maxIdle') throw invalidArgument(`NodeThreads does not know the option ${JSON.stringify(name)}`);
    }
    const maxIdle = options?.maxIdle ?? DEFAULT_MAX_IDLE_THREADS;
    if (typeof maxIdle !== 'number' || !Number.isInteger(maxIdle) || maxIdle < 0 || maxIdle > MAX_IDLE_THREADS) {
      throw invalidArgument(`maxIdle must be an integer from 0 to ${MAX_IDLE_THREADS}, got ${String(maxIdle)}`);
    }
    this.#pool = new ThreadPool(maxIdle);
  }

  /** Threads waiting for a cluster. */
  get idle(): number {
    return this.#pool.idle;
  }

  /** Threads the pool's clusters started, and threads they took from the pool instead. */
  get started(): number {
    return this.#pool.started;
  }

  get reused(): number {
    return this.#pool.reused;
  }

  get closed(): boolean {
    return this.#pool.isClosed;
  }

  /** Ends every waiting thread; clusters still running end theirs when they stop. */
  close(): Promise<void> {
    return this.#pool.close();
  }

  /**
   * The pool behind `threads` (for Cluster.start); throws INVALID_ARGUMENT for anything else, or a closed pool.
   * @internal
   */
  static poolOf(threads: unknown): ThreadPool {
    if (typeof threads !== 'object' || threads === null || !(#pool in threads)) {
      throw invalidArgument('threads must be a NodeThreads pool (new NodeThreads())');
    }
    const pool = threads.#pool;
    if (pool.isClosed) throw invalidArgument('threads: this NodeThreads pool is closed');
    return pool;
  }
}
