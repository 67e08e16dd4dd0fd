/**
 * The key ranges a node keeps Merkle trees for (paper §4.7), and the trees themselves, kept
 * current on every change of the node's data.
 *
 * Ranges. Every arc of the ring between two consecutive tokens (virtual nodes) holds keys
 * that share one preference list. Arcs whose first N nodes are the same set are replicated by
 * exactly the same nodes, so they are grouped into one range, named by that replica set
 * (its sorted node ids): every replica of a range should hold exactly the same keys of it,
 * which is what comparing two trees assumes. Grouping makes one tree and one exchange per
 * peer serve all those arcs: a node keeps at most as many trees as it hosts arcs (about
 * N x vnodes), and far fewer on small clusters (at most C(nodes-1, N-1) replica sets
 * include it). A node keeps a tree for every range it is a replica of, even an empty one (a
 * node restarted empty must still compare, to learn what it lost). Keys it holds for ranges
 * it does not replicate (waiting for membership handoff) and hints are not in any tree.
 *
 * Ring changes. Ranges depend on the ring only, so on a change the ranges are derived again
 * (O(tokens x N)) and every key is put back into its new tree. That is O(keys) hashing, so it
 * is spread over maintenance rounds, `antiEntropyRebuildKeysPerRound` keys each (a key's digest
 * is reused from its old tree when it did not change; only its place is computed again, ~6 us
 * a key). The change itself only copies the list of keys. Changes meanwhile go straight into
 * the new trees; exchanges wait until the rebuild is done.
 */
import type { Siblings } from '../protocol/data.js';
import { DEFAULT_FANOUT, MerkleTree } from './merkle-tree.js';
import { stateDigest } from './state-digest.js';
import type { Ring, RingHash } from './ring.js';
import type { KeyValueStore } from './storage.js';

export interface KeyRange {
  /** The replica set's node ids, sorted and joined with ','. */
  readonly id: string;
  /** The other replicas of the range. */
  readonly peers: readonly string[];
  readonly tree: MerkleTree;
  /** When the range was derived (a ring change or the start). */
  readonly derivedMs: number;
  /** Per peer, when our roots last matched. */
  readonly matchedMs: Map<string, number>;
}

export interface RangeTreesDeps {
  readonly nodeId: string;
  readonly n: number;
  readonly hash: RingHash;
  readonly ring: () => Ring;
  readonly data: KeyValueStore<Siblings>;
  readonly fanout?: number;
  readonly depth?: number;
}

/** The range a key is in: its replica set's id. */
function rangeIdOf(replicas: readonly string[]): string {
  return [...replicas].sort().join(',');
}

interface Tracked {
  readonly range: KeyRange;
  readonly leaf: number;
}

export class RangeTrees {
  private readonly ranges = new Map<string, KeyRange>();
  /** Keys in a tree: which range, which leaf. */
  private tracked = new Map<string, Tracked>();
  /** Keys still to put back after a ring change, and where they were before it (for their digests). */
  private queue: string[] = [];
  private queueAt = 0;
  private before = new Map<string, Tracked>();
  private derived = false;

  constructor(private readonly deps: RangeTreesDeps) {}

  /** The fanout of every tree here. */
  get fanout(): number {
    return this.deps.fanout ?? DEFAULT_FANOUT;
  }

  /** Keys left to put back into the trees since the last ring change. */
  get rebuildPending(): number {
    return this.queue.length - this.queueAt;
  }

  get ready(): boolean {
    return this.derived && this.rebuildPending === 0;
  }

  get(id: string): KeyRange | undefined {
    return this.ranges.get(id);
  }

  /** The ranges this node replicates, by id. */
  list(): KeyRange[] {
    return [...this.ranges.values()];
  }

  /** The range id `key` belongs to in the current ring. */
  rangeOf(key: string): string {
    return rangeIdOf(this.deps.ring().preferenceList(key, this.deps.n));
  }

  /** Derives the ranges from the ring and queues every key to go back into the trees. */
  derive(nowMs: number): void {
    const { nodeId, n, ring } = this.deps;
    // The old trees stay reachable through `before` until every key is back: O(1) here.
    this.before = this.tracked;
    this.tracked = new Map();
    this.ranges.clear();
    for (const replicas of ring().arcPreferenceLists(n)) {
      if (!replicas.includes(nodeId)) continue;
      const id = rangeIdOf(replicas);
      if (this.ranges.has(id)) continue;
      const peers = replicas.filter((r) => r !== nodeId).sort();
      this.ranges.set(id, { id, peers, tree: new MerkleTree(this.deps.fanout, this.deps.depth), derivedMs: nowMs, matchedMs: new Map() });
    }
    this.queue = [...this.deps.data.keys()];
    this.queueAt = 0;
    this.derived = true;
    if (this.queue.length === 0) this.before = new Map();
  }

  /** Puts back up to `limit` keys queued by the last ring change. */
  rebuildStep(limit: number): void {
    const end = Math.min(this.queue.length, this.queueAt + limit);
    for (; this.queueAt < end; this.queueAt++) {
      const key = this.queue[this.queueAt] as string;
      if (this.tracked.has(key)) continue; // changed meanwhile: already in its tree
      const siblings = this.deps.data.get(key);
      const old = this.before.get(key);
      if (siblings !== undefined) this.place(key, siblings, old?.range.tree.digestOf(key, old.leaf));
    }
    if (this.rebuildPending === 0) {
      this.queue = [];
      this.queueAt = 0;
      this.before = new Map();
    }
  }

  /** A key of this node's data was set (`siblings`) or deleted (undefined). */
  changed(key: string, siblings: Siblings | undefined): void {
    if (!this.derived) return;
    // A digest from before the ring change is stale now.
    this.before.delete(key);
    const at = this.tracked.get(key);
    if (siblings === undefined) {
      if (at) {
        at.range.tree.delete(key, at.leaf);
        this.tracked.delete(key);
      }
      return;
    }
    if (at) at.range.tree.set(key, at.leaf, stateDigest(key, siblings));
    else this.place(key, siblings, undefined);
  }

  /** Puts a key into the tree of its range, if this node replicates that range. */
  private place(key: string, siblings: Siblings, digest: string | undefined): void {
    const range = this.ranges.get(this.rangeOf(key));
    if (!range) return;
    const leaf = range.tree.leafOf(this.deps.hash(key));
    range.tree.set(key, leaf, digest ?? stateDigest(key, siblings));
    this.tracked.set(key, { range, leaf });
  }
}
