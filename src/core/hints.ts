/**
 * The hint store of a fallback replica (paper §4.6): versions kept for an owner that did
 * not answer, apart from the node's own data, until the owner acknowledges them.
 */
import type { KeyValueStore } from '../storage/store.js';
import { mergeSiblings, type Siblings } from './versions.js';

/** Versions of `key` held for `owner`. `seq` changes whenever they change. */
export interface Hint {
  readonly key: string;
  readonly owner: string;
  readonly siblings: Siblings;
  readonly seq: number;
}

/** The store key of a hint: one hint per (owner, key). */
export function hintKeyOf(owner: string, key: string): string {
  return `${owner}\u0000${key}`;
}

export class HintStore {
  /** key -> owners with a hint for it, so a read finds a key's hints without a scan. */
  private readonly owners = new Map<string, Set<string>>();
  private nextSeq = 1;

  constructor(private readonly store: KeyValueStore<Hint>) {
    // A durable store may already hold hints: new sequence numbers must not repeat theirs,
    // or a late ack for an old delivery could delete a hint that grew since.
    for (const [, hint] of store.entries()) {
      this.index(hint);
      this.nextSeq = Math.max(this.nextSeq, hint.seq + 1);
    }
  }

  get size(): number {
    return this.store.size;
  }

  /** Merges versions into the hint kept for `owner`. */
  add(owner: string, key: string, siblings: Siblings): void {
    const hintKey = hintKeyOf(owner, key);
    const existing = this.store.get(hintKey);
    const merged = existing ? mergeSiblings(existing.siblings, siblings) : siblings;
    if (existing && merged === existing.siblings) return;
    const hint: Hint = { key, owner, siblings: merged, seq: this.nextSeq++ };
    this.store.set(hintKey, hint);
    this.index(hint);
  }

  /** Every version held for `key`, whoever it is held for. */
  versionsOf(key: string): Siblings {
    const owners = this.owners.get(key);
    if (!owners) return [];
    let out: Siblings = [];
    for (const owner of owners) out = mergeSiblings(out, this.store.get(hintKeyOf(owner, key))?.siblings ?? []);
    return out;
  }

  forKey(key: string): Hint[] {
    const owners = this.owners.get(key);
    if (!owners) return [];
    return [...owners].map((owner) => this.store.get(hintKeyOf(owner, key))).filter((h): h is Hint => h !== undefined);
  }

  get(hintKey: string): Hint | undefined {
    return this.store.get(hintKey);
  }

  /** Deletes a hint, but only the exact one acknowledged: a hint that grew since stays. */
  deleteIfUnchanged(hintKey: string, seq: number): boolean {
    const hint = this.store.get(hintKey);
    if (!hint || hint.seq !== seq) return false;
    this.store.delete(hintKey);
    const owners = this.owners.get(hint.key);
    owners?.delete(hint.owner);
    if (owners?.size === 0) this.owners.delete(hint.key);
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
      if (!owners.has(owner)) continue;
      const hint = this.store.get(hintKeyOf(owner, key));
      if (hint) out.push(hint);
    }
    return out;
  }

  all(): IterableIterator<[string, Hint]> {
    return this.store.entries();
  }

  private index(hint: Hint): void {
    let owners = this.owners.get(hint.key);
    if (!owners) this.owners.set(hint.key, (owners = new Set()));
    owners.add(hint.owner);
  }
}
