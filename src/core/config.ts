/**
 * Tunables of the engine, with the defaults a user gets when they name none.
 */

export interface EngineTuning {
  /** Replicas per key (N). */
  readonly n: number;
  /** Default read quorum (R). */
  readonly r: number;
  /** Default write quorum (W). */
  readonly w: number;
  /** Virtual nodes (tokens) per physical node. */
  readonly vnodes: number;
  /** A client request's time budget. */
  readonly requestTimeoutMs: number;
  /** How long one replica may take before it is suspected and replaced by a fallback. */
  readonly replicaTimeoutMs: number;
  /** How long a get keeps listening for stragglers after answering, before read repair. */
  readonly readRepairWindowMs: number;
  /** Contexts handed to clients keep at most this many actors (§4.4); those of the versions read always stay. */
  readonly clockPruneAt: number;
  /** Gap ranges per actor a context handed to a client keeps; older detail is forgotten. */
  readonly contextMaxGaps: number;
  /**
   * A key's stored context keeps at most this many actors and gap ranges per actor. It is
   * what tells a replica that a version it meets again is dead, so it is kept far longer than
   * a client's context; the bound only keeps a key with an endless history of writers finite.
   */
  readonly storedContextMaxActors: number;
  readonly storedContextMaxGaps: number;
  /** Keys whose last minted counter a node (or the client) remembers; past it, a new actor. */
  readonly minterCapacity: number;
  /** How many times a client request may be forwarded between nodes. */
  readonly maxHops: number;
  /** How long a node that did not answer stays suspected before it is tried again. */
  readonly suspectForMs: number;
  /** Period of a node's background work: probes, hint delivery, handoff resends. */
  readonly maintenanceIntervalMs: number;
  /** Hints delivered to one owner per probe answer. */
  readonly hintBatchSize: number;
  /** Handoff messages resent per maintenance round. */
  readonly handoffBatchSize: number;
  /** Keys a node checks per turn after a ring change (the rest waits for the next turn). */
  readonly handoffScanBatch: number;
  /** Keys a node hands off and awaits acks for at once after a ring change. */
  readonly handoffWindow: number;
  /**
   * How old a key's newest tombstone must be before it is reaped (Cassandra's gc_grace).
   * Longer than a request's timeout, any message delay and a leaving node's drain.
   */
  readonly tombstoneGraceMs: number;
  /** Keys a node starts reaping per maintenance round. */
  readonly reapBatchSize: number;
  /**
   * Anti-entropy (§4.7): how often a node starts Merkle-tree exchanges with the other
   * replicas of its key ranges (checked on the maintenance timer); 0 turns it off.
   */
  readonly antiEntropyIntervalMs: number;
  /** Exchanges a node starts per anti-entropy round, at most (each is one range with one peer). */
  readonly antiEntropyExchangesPerRound: number;
  /**
   * The most keys (with their versions, or their digests) and tree nodes one anti-entropy
   * message carries: the bound of the repair one exchange does.
   */
  readonly antiEntropyMaxKeysPerMessage: number;
  /** Keys put back into the trees per maintenance round after a ring change. */
  readonly antiEntropyRebuildKeysPerRound: number;
}

export const DEFAULT_TUNING: EngineTuning = {
  n: 3,
  r: 2,
  w: 2,
  vnodes: 10,
  requestTimeoutMs: 1000,
  replicaTimeoutMs: 300,
  readRepairWindowMs: 50,
  clockPruneAt: 10,
  contextMaxGaps: 8,
  storedContextMaxActors: 64,
  storedContextMaxGaps: 64,
  minterCapacity: 65_536,
  maxHops: 2,
  suspectForMs: 1000,
  maintenanceIntervalMs: 100,
  hintBatchSize: 64,
  handoffBatchSize: 256,
  handoffScanBatch: 500,
  handoffWindow: 256,
  tombstoneGraceMs: 30_000,
  reapBatchSize: 64,
  antiEntropyIntervalMs: 1000,
  antiEntropyExchangesPerRound: 4,
  antiEntropyMaxKeysPerMessage: 256,
  antiEntropyRebuildKeysPerRound: 1000,
};

/**
 * The part of a client's time budget a coordinator may spend on the quorum, so that its
 * QUORUM_FAILED answer reaches the client before the client gives up with TIMEOUT.
 */
export function coordinatorBudgetMs(clientTimeoutMs: number): number {
  const margin = Math.min(50, Math.floor(clientTimeoutMs * 0.2));
  return Math.max(1, clientTimeoutMs - margin);
}
