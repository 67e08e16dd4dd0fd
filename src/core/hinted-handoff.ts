/**
 * Hinted handoff (paper §4.6): a fallback keeps the copies it took for a primary that did not
 * answer apart from its own data, one hint per (owner, key), and probes the owner every
 * maintenance round. When the owner answers, up to a batch of its hints is delivered; the
 * owner merges them and acknowledges, and a hint is deleted only if it did not change since
 * it was sent (a write that reached the hint meanwhile is delivered again).
 */
import type { Siblings } from '../protocol/data.js';
import type { HintAck, HintDelivery } from '../protocol/messages.js';
import type { ContextLimits } from './causal-context.js';
import type { EffectSink } from './effects.js';
import { boundSiblings, mergeSiblings, NO_SIBLINGS } from './siblings.js';
import type { KeyValueStore } from './storage.js';

/** Versions of `key` held for `owner`. `seq` changes whenever they change. */
export interface Hint {
  readonly key: string;
  readonly owner: string;
  readonly siblings: Siblings;
  readonly seq: number;
}

/** The store key of a hint: one hint per (owner, key). */
export function hintStoreKey(owner: string, key: string): string {
  return `${owner}\u0000${key}`;
}

export class HintStore {
  /** key -> owners with a hint for it, so a read finds a key's hints without a scan. */
  private readonly owners = new Map<string, Set<string>>();
  private nextSeq: number;
  /** Entries dropped from hints' contexts by their bound. */
  contextPrunes = 0;

  /**
   * @param firstSeq where this store's sequence numbers begin. A sequence number must never
   * repeat one an earlier start of the node sent, or an ack of that delivery arriving late
   * could delete a newer hint with the same number; the hints still stored do not tell
   * (every hint may have been delivered and deleted), so a durable node starts each boot
   * past every number an earlier one used (node-worker.ts).
   */
  constructor(
    private readonly store: KeyValueStore<Hint>,
    private readonly limits: ContextLimits,
    firstSeq = 1,
  ) {
    this.nextSeq = firstSeq;
    // Nor may a new number repeat one of the hints kept.
    for (const [, hint] of store.entries()) {
      this.index(hint);
      this.nextSeq = Math.max(this.nextSeq, hint.seq + 1);
    }
  }

  get size(): number {
    return this.store.size;
  }

  /** Merges siblings into the hint kept for `owner`. */
  add(owner: string, key: string, siblings: Siblings): void {
    const existing = this.store.get(hintStoreKey(owner, key));
    const merged = mergeSiblings(existing?.siblings ?? NO_SIBLINGS, siblings);
    if (existing && merged === existing.siblings) return;
    const bounded = boundSiblings(merged, this.limits);
    this.contextPrunes += bounded.pruned;
    const hint: Hint = { key, owner, siblings: bounded.siblings, seq: this.nextSeq++ };
    this.store.set(hintStoreKey(owner, key), hint);
    this.index(hint);
  }

  /** Everything held for `key`, whoever it is held for, merged. */
  siblingsOf(key: string): Siblings {
    let out = NO_SIBLINGS;
    for (const hint of this.forKey(key)) out = mergeSiblings(out, hint.siblings);
    return out;
  }

  forKey(key: string): Hint[] {
    const owners = this.owners.get(key);
    if (!owners) return [];
    const hints: Hint[] = [];
    for (const owner of owners) {
      const hint = this.store.get(hintStoreKey(owner, key));
      if (hint) hints.push(hint);
    }
    return hints;
  }

  get(owner: string, key: string): Hint | undefined {
    return this.store.get(hintStoreKey(owner, key));
  }

  /** Deletes a hint, but only the exact one acknowledged: a hint that grew since stays. */
  deleteIfUnchanged(owner: string, key: string, seq: number): boolean {
    const hint = this.store.get(hintStoreKey(owner, key));
    if (!hint || hint.seq !== seq) return false;
    this.store.delete(hintStoreKey(owner, key));
    const owners = this.owners.get(key);
    owners?.delete(owner);
    if (owners?.size === 0) this.owners.delete(key);
    return true;
  }

  /** Owners that have hints waiting. */
  pendingOwners(): Set<string> {
    const out = new Set<string>();
    for (const owners of this.owners.values()) for (const owner of owners) out.add(owner);
    return out;
  }

  /** Up to `limit` hints for one owner. */
  forOwner(owner: string, limit: number): Hint[] {
    const out: Hint[] = [];
    for (const [key, owners] of this.owners) {
      if (out.length >= limit) break;
      const hint = owners.has(owner) ? this.store.get(hintStoreKey(owner, key)) : undefined;
      if (hint) out.push(hint);
    }
    return out;
  }

  all(): Hint[] {
    return [...this.store.entries()].map(([, hint]) => hint);
  }

  private index(hint: Hint): void {
    let owners = this.owners.get(hint.key);
    if (!owners) this.owners.set(hint.key, (owners = new Set()));
    owners.add(hint.owner);
  }
}

/** The delivery protocol of the hints a node holds, and the owner's side of it. */
export class HintedHandoff {
  delivered = 0;

  constructor(
    private readonly hints: HintStore,
    private readonly sink: EffectSink,
    private readonly batchSize: number,
    /** The owner's side: merge delivered versions into its own data. */
    private readonly storeData: (key: string, siblings: Siblings) => void,
  ) {}

  /** Owners to probe this round: a pong from one triggers delivery. */
  ownersWaiting(): Set<string> {
    return this.hints.pendingOwners();
  }

  /** `owner` answered a probe: deliver a batch of its hints. */
  ownerIsUp(owner: string): void {
    for (const hint of this.hints.forOwner(owner, this.batchSize)) {
      this.sink.send(owner, { kind: 'hint.deliver', key: hint.key, seq: hint.seq, siblings: hint.siblings });
    }
  }

  /** As the owner: take the delivered versions and acknowledge that copy. */
  onDelivery(from: string, msg: HintDelivery): void {
    this.storeData(msg.key, msg.siblings);
    this.sink.send(from, { kind: 'hint.ack', key: msg.key, seq: msg.seq });
  }

  /** The owner has the copy: drop the hint, unless it changed since it was sent. */
  onAck(from: string, msg: HintAck): void {
    if (this.hints.deleteIfUnchanged(from, msg.key, msg.seq)) this.delivered++;
  }
}
