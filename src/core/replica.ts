/**
 * A node as a replica (paper §4.3, §4.6): its own copies of the keys it owns, and the hints
 * it keeps for owners that did not answer, read together and written apart. Every merge is
 * the siblings' join, and a key's stored context is bounded (storedContextMax*).
 */
import type { Siblings } from '../protocol/data.js';
import type { ContextLimits } from './causal-context.js';
import type { HintStore } from './hinted-handoff.js';
import type { Ring } from './ring.js';
import { boundSiblings, mergeSiblings, NO_SIBLINGS } from './siblings.js';
import type { KeyValueStore } from './storage.js';

export interface ReplicaDeps {
  readonly nodeId: string;
  /** Bound of a key's stored context. */
  readonly storedLimits: ContextLimits;
  readonly data: KeyValueStore<Siblings>;
  readonly hints: HintStore;
  readonly ring: () => Ring;
  /** Called after a key's data changed (membership handoff checks who owns it). */
  readonly dataChanged: (key: string) => void;
  /** What this node reaped for `key` within the grace period, if anything (tombstone-reaper.ts). */
  readonly reaped: (key: string) => Siblings | undefined;
}

export class Replica {
  /** Entries dropped from stored contexts by their bound. */
  contextPrunes = 0;

  constructor(private readonly deps: ReplicaDeps) {}

  get nodeId(): string {
    return this.deps.nodeId;
  }

  /** What this node holds for `key`: its data and every hint for it, merged. */
  read(key: string): Siblings {
    const own = this.deps.data.get(key) ?? NO_SIBLINGS;
    if (this.deps.hints.size === 0) return own;
    return mergeSiblings(own, this.deps.hints.siblingsOf(key));
  }

  /**
   * Takes a write: as a hint when it stands in for another owner (§4.6), else into its data.
   * A hint for a node no longer in the ring would never be delivered: it becomes data.
   */
  write(key: string, siblings: Siblings, hintFor: string | null): void {
    if (hintFor !== null && hintFor !== this.deps.nodeId && this.deps.ring().has(hintFor)) {
      this.deps.hints.add(hintFor, key, siblings);
    } else {
      this.storeData(key, siblings);
    }
  }

  /**
   * Merges siblings into this node's own data. A key reaped here a short while ago merges
   * against the tombstone it had, so a stale copy still on its way (a hint, a repair, a
   * handoff sent before the reap) is known dead instead of coming back. The tombstone is then
   * stored again: whoever still holds the stale copy learns it is dead (by anti-entropy, or
   * the ack of its handoff), and the key is reaped again later.
   */
  storeData(key: string, siblings: Siblings): void {
    const stored = this.deps.data.get(key);
    const reaped = stored === undefined ? this.deps.reaped(key) : undefined;
    const existing = stored ?? reaped ?? NO_SIBLINGS;
    const merged = mergeSiblings(existing, siblings);
    if (merged === existing && reaped === undefined) return;
    const { siblings: bounded, pruned } = boundSiblings(merged, this.deps.storedLimits);
    this.contextPrunes += pruned;
    this.deps.data.set(key, bounded);
    this.deps.dataChanged(key);
  }
}
