/**
 * Every message that crosses a MessagePort, as one discriminated union on `kind`.
 *
 * Messages are plain data (no classes, no Error objects, no functions) so that they survive
 * structured clone and v8.serialize unchanged. Replies carry the `reqId` of the request
 * they answer; ids are unique per sender, and replies go back to the sender.
 */
import type { CausalContext, Dot, Siblings, Version } from './data.js';
import type { ErrorCode } from './outcomes.js';

// ---- client to node (node coordination mode) -------------------------------------------

/** A get sent by a client to any node; `hops` counts forwards so none can loop. */
export interface ClientGet {
  readonly kind: 'client.get';
  readonly reqId: number;
  readonly key: string;
  readonly r: number;
  readonly timeoutMs: number;
  readonly hops: number;
  /** The endpoint the reply goes to (the forwarder passes on the original client's). */
  readonly replyTo: string;
}

/** A put (or delete, with `deleted`) sent by a client to any node. */
export interface ClientPut {
  readonly kind: 'client.put';
  readonly reqId: number;
  readonly key: string;
  readonly value: unknown;
  readonly deleted: boolean;
  readonly context: CausalContext;
  readonly w: number;
  readonly timeoutMs: number;
  readonly hops: number;
  readonly replyTo: string;
  /**
   * The dot of the new version, minted by the first node the request reached. Whoever ends
   * up coordinating (after forwards and re-routes) writes this dot, so a request coordinated
   * twice is still one version.
   */
  readonly dot?: Dot;
}

/**
 * Sent by the node that takes a forwarded request back to the forwarder, so a forward into a
 * dead node is noticed (and the request coordinated elsewhere) instead of silently lost.
 */
export interface ForwardAck {
  readonly kind: 'forward.ack';
  readonly reqId: number;
  readonly replyTo: string;
}

/** A successful get: every concurrent version (tombstones included) and one context covering them. */
export interface GetReply {
  readonly kind: 'reply.get';
  readonly reqId: number;
  readonly versions: readonly Version[];
  readonly context: CausalContext;
  /** Nodes that answered, in the order they did (the fastest first). */
  readonly repliedBy: readonly string[];
}

/** A successful put: the context that covers the version just written. */
export interface PutReply {
  readonly kind: 'reply.put';
  readonly reqId: number;
  readonly context: CausalContext;
  readonly ackedBy: readonly string[];
}

/** A request that failed; never an Error object, which does not clone faithfully. */
export interface ErrorReply {
  readonly kind: 'reply.error';
  readonly reqId: number;
  readonly code: ErrorCode;
  readonly message: string;
}

// ---- coordinator to replica ----------------------------------------------------------------

export interface ReplicaRead {
  readonly kind: 'replica.read';
  readonly reqId: number;
  readonly key: string;
}

/** What the replica holds for the key: its own data and any hints, merged. */
export interface ReplicaReadReply {
  readonly kind: 'replica.readReply';
  readonly reqId: number;
  readonly siblings: Siblings;
}

/** Merge these siblings; `hintFor` names the intended owner when sent to a fallback (§4.6). */
export interface ReplicaWrite {
  readonly kind: 'replica.write';
  readonly reqId: number;
  readonly key: string;
  readonly siblings: Siblings;
  readonly hintFor: string | null;
}

export interface ReplicaWriteAck {
  readonly kind: 'replica.writeAck';
  readonly reqId: number;
}

/** Read repair (§5): what a read merged, for a replica that lacked some of it; not acknowledged. */
export interface ReadRepair {
  readonly kind: 'replica.repair';
  readonly key: string;
  readonly siblings: Siblings;
}

// ---- node to node: failure detection, hinted handoff, membership transfer ---------------

/** Liveness probe (§4.8): a suspect or a node we hold hints for is asked again. */
export interface Ping {
  readonly kind: 'ping';
  readonly seq: number;
}

export interface Pong {
  readonly kind: 'pong';
  readonly seq: number;
}

/** A hinted replica returned to its owner; deleted by the sender only after the ack. */
export interface HintDelivery {
  readonly kind: 'hint.deliver';
  readonly key: string;
  readonly seq: number;
  readonly siblings: Siblings;
}

export interface HintAck {
  readonly kind: 'hint.ack';
  readonly key: string;
  readonly seq: number;
}

/** A key handed to its new owner after a membership change (§4.9). */
export interface Handoff {
  readonly kind: 'handoff';
  readonly key: string;
  readonly seq: number;
  readonly siblings: Siblings;
  /** The epoch of the ring the sender computed the key's owners from. */
  readonly epoch: number;
}

export interface HandoffAck {
  readonly kind: 'handoff.ack';
  readonly key: string;
  readonly seq: number;
}

/** A key's first owner asks every node whether its tombstone copy can be reaped. */
export interface ReapQuery {
  readonly kind: 'reap.query';
  readonly key: string;
  readonly round: number;
  /** The reaper's copy: tombstones only. */
  readonly siblings: Siblings;
}

/** Yes when what the voter holds for the key adds nothing to the reaper's copy. */
export interface ReapVote {
  readonly kind: 'reap.vote';
  readonly key: string;
  readonly round: number;
  readonly ok: boolean;
}

/** Every node said yes: delete the key unless something not covered arrived since. */
export interface ReapCommit {
  readonly kind: 'reap.commit';
  readonly key: string;
  readonly siblings: Siblings;
}

// ---- node to node: anti-entropy (§4.7) -----------------------------------------------------

/**
 * What every anti-entropy message names: the exchange (`xid`, unique per `initiator`), the
 * key range (the sorted ids of its replicas) and the ring epoch the sender derived it from.
 * A node whose ring differs ignores the message, and the exchange lapses.
 */
interface ExchangeStep {
  readonly xid: number;
  readonly initiator: string;
  readonly range: string;
  readonly epoch: number;
}

/**
 * The sender's hashes of the children of `parents` (indices at `level - 1`) in its tree for the
 * range; at level 0, of the root. Only non-empty nodes are listed: a node left out is empty.
 */
export interface AeCompare extends ExchangeStep {
  readonly kind: 'ae.compare';
  readonly level: number;
  readonly parents: readonly number[];
  readonly nodes: readonly (readonly [index: number, hash: string])[];
}

/**
 * The keys (and digests) in leaves whose hashes differed. `all` false: only a window of the
 * leaf's keys (in key order), so the receiver judges only its keys between the first and last.
 */
export interface AeLeaves extends ExchangeStep {
  readonly kind: 'ae.leaves';
  readonly leaves: readonly { readonly leaf: number; readonly all: boolean; readonly keys: readonly (readonly [key: string, digest: string])[] }[];
}

/** Repair: versions for the receiver to merge, and keys whose versions the sender wants back. */
export interface AeSync extends ExchangeStep {
  readonly kind: 'ae.sync';
  readonly entries: readonly { readonly key: string; readonly siblings: Siblings }[];
  readonly want: readonly string[];
}

/** The exchange ends; `matched` when the roots were equal. */
export interface AeDone extends ExchangeStep {
  readonly kind: 'ae.done';
  readonly matched: boolean;
}

export type AntiEntropyMessage = AeCompare | AeLeaves | AeSync | AeDone;

/** Messages a client endpoint receives in answer to a request. */
export type ClientReply = GetReply | PutReply | ErrorReply;

/** Every message of the data plane. */
export type Message =
  | ClientGet
  | ClientPut
  | ForwardAck
  | GetReply
  | PutReply
  | ErrorReply
  | ReplicaRead
  | ReplicaReadReply
  | ReplicaWrite
  | ReplicaWriteAck
  | ReadRepair
  | Ping
  | Pong
  | HintDelivery
  | HintAck
  | Handoff
  | HandoffAck
  | ReapQuery
  | ReapVote
  | ReapCommit
  | AntiEntropyMessage;

export type MessageKind = Message['kind'];
