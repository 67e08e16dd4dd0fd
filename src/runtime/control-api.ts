/**
 * The control plane of a node worker (comlink, off the hot path): wiring, membership,
 * faults, stats, inspection, shutdown. Imported with `import type` on both sides.
 */
import type { MessagePort } from 'node:worker_threads';
import type { EngineTuning } from '../core/config.js';
import type { NodeKeyView, NodeStats } from '../core/node.js';
import type { Membership } from '../protocol/data.js';
import type { Durability } from '../storage/write-log.js';
import type { ChaosRule } from '../transport/chaos.js';
import type { FaultCounters, LinkCut, LinkTally } from '../transport/fault-layer.js';

export type { ChaosRule, ChaosSelector } from '../transport/chaos.js';
export type { FaultCounters, LinkTally } from '../transport/fault-layer.js';

/** Where a durable node keeps its data: its own LMDB environment (src/storage/lmdb-stores.ts). */
export interface NodeStorage {
  readonly kind: 'lmdb';
  /** The node's own directory. */
  readonly path: string;
  /** Acknowledge a write once committed, or once flushed to disk too. */
  readonly durability: Durability;
}

/** Who a node worker is: what it needs to run a node from scratch. */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly actorId: string;
  readonly tuning: EngineTuning;
  readonly membership: Membership;
  /** Absent: the node keeps its data in memory, and loses it when it stops. */
  readonly storage?: NodeStorage;
}

/** A durable node's storage, as its stats show it. */
export interface StorageStats {
  readonly path: string;
  /** Starts of the node on this environment, this one included (its actor id ends in it). */
  readonly boot: number;
  /** Writes issued, and how many of them are safe (committed or flushed, by the durability). */
  readonly writes: number;
  readonly safeWrites: number;
  /** LMDB transactions they went in: every write of one event-loop turn goes in one. */
  readonly commits: number;
  /** Messages waiting for a commit now, and in all. */
  readonly waiting: number;
  readonly waited: number;
  /** Messages dropped because a write failed, or because too many waited (commit-gate.ts). */
  readonly dropped: number;
  /** Why the node stopped, when a write failed. */
  readonly error: string | null;
}

/** What the main thread hands a new node worker. */
export interface NodeWorkerData extends NodeIdentity {
  /** The port comlink's control plane runs on. */
  readonly controlPort: MessagePort;
}

/**
 * A node's stats as the worker reports them: the core's plus its transport's. The fault
 * counters are the node's own fault layer's: cuts it dropped, and what chaos did to the
 * messages arriving at it.
 */
export interface WorkerStats extends NodeStats, FaultCounters {
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** postMessage calls that carried them (messages of one event-loop turn go together). */
  readonly batchesOut: number;
  readonly invalidMessages: number;
  /** Inputs dropped because the core threw on them (a bug; the first is printed). */
  readonly internalErrors: number;
  readonly partitionedFrom: readonly string[];
  /** Per peer (node or client endpoint id): the link between it and this node, as seen here. */
  readonly links: Readonly<Record<string, LinkTally>>;
  /** The worker's event loop, cumulative: utilisation over a period is Δactive / (Δactive + Δidle). */
  readonly eventLoop: { readonly activeMs: number; readonly idleMs: number };
  /** The worker's own V8 heap in use (its isolate's, not the process's). */
  readonly heapUsedBytes: number;
  /** Null for a node in memory. */
  readonly storage: StorageStats | null;
}

export interface NodeControl {
  /** Resolves once the worker runs its node; rejects (a StorageError) when its storage cannot be opened. */
  ready(): Promise<string>;
  /** Adopts the port to a peer (another node, or the client). */
  connect(peer: string, port: MessagePort): void;
  disconnect(peer: string): void;
  /** Adopts the uplink to the main thread's switchboard: the route to peers without a port. */
  setUplink(port: MessagePort): void;
  setMembership(membership: Membership): void;
  /** Cuts this node off from peers (a partition); NO_CUT heals. */
  setCut(cut: LinkCut): void;
  /** Replaces the chaos rules in force (all of the cluster's; the node applies those for its arrivals). */
  setChaos(rules: readonly ChaosRule[]): void;
  stats(): WorkerStats;
  inspect(key: string): NodeKeyView;
  /** Stops timers and closes every port; the worker thread then exits by itself. */
  shutdown(): Promise<void>;
  /**
   * Stops the node as shutdown does (timers, every port but the control port) and keeps the
   * thread, running nothing, for `reset` (a pool of threads, src/runtime/thread-pool.ts).
   */
  retire(): Promise<void>;
  /** Runs a new node from scratch on this thread, in place of the one it ran (if any). */
  reset(identity: NodeIdentity): Promise<void>;
}
