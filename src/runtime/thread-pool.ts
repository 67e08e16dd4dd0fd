/**
 * Node worker threads kept between clusters. Starting a node's thread costs about 100 ms of
 * CPU here (Node's worker, then the engine's code loaded and compiled from scratch); a thread
 * a stopped cluster handed back runs its next node at once, on code the JIT has compiled
 * already (docs/PERFORMANCE.md, "Starting a node"). A thread in the pool runs no node: no
 * timers, no ports but its control port.
 *
 * Bounded: at most `maxIdle` threads wait; one handed back beyond that is terminated. A thread
 * that exits while it waits leaves the pool. After `close()` nothing is kept.
 */
import type { NodeIdentity } from './control-api.js';
import { EngineError } from './engine-error.js';
import { NodeHandle, type IdleThread } from './node-handle.js';

interface Waiting {
  readonly thread: IdleThread;
  readonly onExit: () => void;
}

export class ThreadPool {
  private readonly waiting: Waiting[] = [];
  private closed = false;
  /** Threads its clusters started, and threads they took from it instead. */
  started = 0;
  reused = 0;

  constructor(readonly maxIdle: number) {}

  get idle(): number {
    return this.waiting.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A waiting thread (the one handed back last), or undefined. */
  take(): IdleThread | undefined {
    const entry = this.waiting.pop();
    if (entry === undefined) return undefined;
    entry.thread.worker.off('exit', entry.onExit);
    return entry.thread;
  }

  /** Keeps a thread for the next cluster, or terminates it when the pool is full or closed. */
  async give(thread: IdleThread): Promise<void> {
    if (this.closed || this.waiting.length >= this.maxIdle) {
      await terminate(thread);
      return;
    }
    const entry: Waiting = {
      thread,
      onExit: () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        thread.controlPort.close();
      },
    };
    thread.worker.once('exit', entry.onExit);
    this.waiting.push(entry);
  }

  /** Terminates every waiting thread; threads handed back later are terminated too. */
  async close(): Promise<void> {
    this.closed = true;
    const threads: IdleThread[] = [];
    for (let thread = this.take(); thread !== undefined; thread = this.take()) threads.push(thread);
    await Promise.all(threads.map(terminate));
  }
}

async function terminate(thread: IdleThread): Promise<void> {
  thread.controlPort.close();
  await thread.worker.terminate();
}

/** A node's thread: one a stopped cluster left in `pool`, if it has one, else a new one. */
export async function startNodeThread(identity: NodeIdentity, pool: ThreadPool | undefined): Promise<NodeHandle> {
  const idle = pool?.take();
  if (pool !== undefined && idle !== undefined) {
    try {
      const handle = await NodeHandle.adopt(idle, identity);
      pool.reused++;
      return handle;
    } catch (error) {
      // A durable node's storage fails on any thread alike.
      if (error instanceof EngineError && error.code === 'STORAGE') throw error;
      // That thread did not answer (adopt terminated it): the node gets a new one.
    }
  }
  const handle = await NodeHandle.spawn(identity);
  if (pool !== undefined) pool.started++;
  return handle;
}

/** Stops a node: its thread goes back to `pool` if there is one and it is open, else ends. */
export async function stopNodeThread(handle: NodeHandle, pool: ThreadPool | undefined): Promise<void> {
  if (pool === undefined || pool.isClosed) return handle.terminate();
  const thread = await handle.release();
  if (thread !== null) await pool.give(thread);
}
