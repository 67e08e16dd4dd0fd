/**
 * The main thread's handle on one node worker: spawns it, speaks its control plane through
 * comlink, and terminates it.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { NodeKeyView } from '../core/node.js';
import type { Membership } from '../protocol/data.js';
import type { ChaosRule } from '../transport/chaos.js';
import type { LinkCut } from '../transport/fault-layer.js';
import { compiledSibling } from '../util/compiled-path.js';
import { workerExecArgv } from '../util/worker-argv.js';
import type { NodeControl, NodeIdentity, NodeWorkerData, WorkerStats } from './control-api.js';
import { EngineError } from './engine-error.js';
import { PROBE_TIMEOUT_MS, probeNodeStorage } from './lmdb-probe.js';

const WORKER_FILE = compiledSibling(import.meta.url, '../../workers/node-worker.js');

/** Control calls that do not answer within this time fail instead of hanging. */
const CONTROL_TIMEOUT_MS = 10_000;

/**
 * How long a node may take to start. A durable node loads its environment into memory,
 * decoding every record the probe only read through: it gets as long as the probe may take,
 * and then the time of any other call.
 */
function startTimeoutMs(identity: NodeIdentity): number {
  return identity.storage === undefined ? CONTROL_TIMEOUT_MS : PROBE_TIMEOUT_MS + CONTROL_TIMEOUT_MS;
}

/**
 * How long a node may take to stop cleanly before its thread is terminated. A durable node
 * closes its environment only once its writes are safe: with 'flush' that waits for a disk
 * sync, which a busy disk can stretch past a second.
 */
function stopTimeoutMs(identity: NodeIdentity): number {
  return identity.storage === undefined ? 1000 : CONTROL_TIMEOUT_MS;
}

/** A node worker thread running no node: what a ThreadPool keeps between clusters (thread-pool.ts). */
export interface IdleThread {
  readonly worker: Worker;
  readonly control: Comlink.Remote<NodeControl>;
  readonly controlPort: MessagePort;
}

export class NodeHandle {
  /** Rejects once the worker is gone, so that no control call waits on a dead thread. */
  private readonly gone: Promise<never>;
  private markGone: (reason: EngineError) => void = () => undefined;

  private constructor(
    readonly nodeId: string,
    private readonly worker: Worker,
    private readonly control: Comlink.Remote<NodeControl>,
    private readonly controlPort: MessagePort,
    /** What `terminate` and `release` allow the node to stop cleanly. */
    private readonly stopTimeoutMs: number,
  ) {
    this.gone = new Promise<never>((_, reject) => {
      this.markGone = reject;
    });
    this.gone.catch(() => undefined);
  }

  static async spawn(identity: NodeIdentity): Promise<NodeHandle> {
    const { nodeId } = identity;
    // Read through first, by a process of the main thread's (lmdb-probe.ts): no thread yet.
    if (identity.storage !== undefined) await probeNodeStorage(identity.storage);
    const { port1, port2 } = new MessageChannel();
    const workerData: NodeWorkerData = { ...identity, controlPort: port2 };
    let worker: Worker;
    try {
      worker = new Worker(WORKER_FILE, { workerData, transferList: [port2], execArgv: workerExecArgv() });
    } catch (err) {
      port1.close();
      throw new EngineError('INTERNAL', `node ${nodeId} could not start a worker thread: ${(err as Error).message}`, { cause: err });
    }
    const control = Comlink.wrap<NodeControl>(nodeEndpoint(port1));
    const handle = new NodeHandle(nodeId, worker, control, port1, stopTimeoutMs(identity));
    const failed = new Promise<never>((_, reject) => {
      worker.once('error', (err) => reject(new EngineError('INTERNAL', `node ${nodeId} failed to start: ${err.message}`, { cause: err })));
    });
    try {
      await Promise.race([withTimeout(control.ready(), `${nodeId} ready`, startTimeoutMs(identity)), failed]);
    } catch (err) {
      await handle.terminate();
      throw asStorageError(err);
    }
    failed.catch(() => undefined);
    // A worker that dies later (out of memory, a native fault) must not crash the embedding
    // program through an unhandled 'error' event: it is reported as an exit instead. Once per
    // thread, whatever nodes it runs later.
    worker.on('error', () => undefined);
    handle.watchExit();
    return handle;
  }

  /**
   * Runs node `nodeId` on a thread a stopped cluster handed back (thread-pool.ts): of its old
   * node the thread keeps nothing but its compiled code. Rejects (and terminates the thread)
   * if the thread does not answer; the caller starts a new one then.
   */
  static async adopt(thread: IdleThread, identity: NodeIdentity): Promise<NodeHandle> {
    const handle = new NodeHandle(identity.nodeId, thread.worker, thread.control, thread.controlPort, stopTimeoutMs(identity));
    handle.watchExit();
    try {
      if (identity.storage !== undefined) await probeNodeStorage(identity.storage);
      await handle.call(() => thread.control.reset(identity), 'reset', startTimeoutMs(identity));
    } catch (err) {
      await handle.terminate();
      throw asStorageError(err);
    }
    return handle;
  }

  /** Reports the thread's exit as this node's, until the node is stopped or handed back. */
  private watchExit(): void {
    this.worker.once('exit', this.onExit);
  }

  private readonly onExit = (code: number): void => this.exited(code);

  private exitListener: ((code: number) => void) | undefined;
  private terminating = false;

  /** Calls `listener` if the worker exits without being asked to. */
  onUnexpectedExit(listener: (code: number) => void): void {
    this.exitListener = listener;
  }

  private exited(code: number): void {
    this.markGone(new EngineError('INTERNAL', `node ${this.nodeId} has stopped`));
    if (!this.terminating) this.exitListener?.(code);
  }

  /**
   * A control call, bounded in time and by the worker's life. Not sent at all once the node
   * stopped: its thread may run another cluster's node by then (thread-pool.ts).
   */
  private call<T>(send: () => Promise<T>, what: string, timeoutMs = CONTROL_TIMEOUT_MS): Promise<T> {
    if (this.terminating) return this.gone;
    return Promise.race([withTimeout(send(), `${this.nodeId} ${what}`, timeoutMs), this.gone]);
  }

  connect(peer: string, port: MessagePort): Promise<void> {
    return this.call(() => this.control.connect(peer, Comlink.transfer(port, [port])), 'connect').catch(closing(port));
  }

  setUplink(port: MessagePort): Promise<void> {
    return this.call(() => this.control.setUplink(Comlink.transfer(port, [port])), 'uplink').catch(closing(port));
  }

  disconnect(peer: string): Promise<void> {
    return this.call(() => this.control.disconnect(peer), 'disconnect');
  }

  setMembership(membership: Membership): Promise<void> {
    return this.call(() => this.control.setMembership(membership), 'membership');
  }

  setCut(cut: LinkCut): Promise<void> {
    return this.call(() => this.control.setCut(cut), 'partition');
  }

  setChaos(rules: readonly ChaosRule[]): Promise<void> {
    return this.call(() => this.control.setChaos(rules), 'chaos');
  }

  stats(): Promise<WorkerStats> {
    return this.call(() => this.control.stats(), 'stats');
  }

  inspect(key: string): Promise<NodeKeyView> {
    return this.call(() => this.control.inspect(key), 'inspect');
  }

  /** Asks the worker to stop cleanly, then terminates the thread whatever it answered. */
  async terminate(): Promise<void> {
    this.terminating = true;
    this.markGone(new EngineError('STOPPED', `node ${this.nodeId} has stopped`));
    await withTimeout(this.control.shutdown(), `${this.nodeId} shutdown`, this.stopTimeoutMs).catch(() => undefined);
    this.controlPort.close();
    await this.worker.terminate();
  }

  /**
   * Stops the node and hands its thread back, running nothing, for another cluster's node
   * (thread-pool.ts); null when the thread did not answer, and was terminated instead.
   */
  async release(): Promise<IdleThread | null> {
    this.terminating = true;
    this.markGone(new EngineError('STOPPED', `node ${this.nodeId} has stopped`));
    this.worker.off('exit', this.onExit);
    try {
      await withTimeout(this.control.retire(), `${this.nodeId} retire`, this.stopTimeoutMs);
    } catch {
      this.controlPort.close();
      await this.worker.terminate();
      return null;
    }
    return { worker: this.worker, control: this.control, controlPort: this.controlPort };
  }
}

/** Rethrows, after closing a port that a failed call may not have handed over (closing one handed over does nothing). */
function closing(port: MessagePort): (error: unknown) => never {
  return (error) => {
    port.close();
    throw error;
  };
}

/** A worker's StorageError (its name survives comlink) as the engine's STORAGE error; anything else as it is. */
function asStorageError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'StorageError') return new EngineError('STORAGE', error.message, { cause: error });
  return error;
}

/** Rejects when a control call does not settle in time: the main thread never hangs on one. */
function withTimeout<T>(promise: Promise<T>, what: string, timeoutMs = CONTROL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineError('TIMEOUT', `control call ${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
