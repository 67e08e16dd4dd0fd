/**
 * Keys a node holds but no longer owns after a membership change (paper §4.9): they are
 * offered to their owners and dropped here only once every owner acknowledged the copy that
 * is still current. A key written again meanwhile gets a new sequence number, so an ack for
 * an older copy never drops newer data.
 */
export interface PendingHandoff {
  readonly seq: number;
  readonly targets: readonly string[];
  readonly acked: Set<string>;
}

export class HandoffTracker {
  private readonly pending = new Map<string, PendingHandoff>();
  private nextSeq = 1;

  get size(): number {
    return this.pending.size;
  }

  /** Starts (or restarts, for a changed value) the handoff of `key` to `targets`. */
  begin(key: string, targets: readonly string[]): PendingHandoff {
    const handoff: PendingHandoff = { seq: this.nextSeq++, targets, acked: new Set() };
    this.pending.set(key, handoff);
    return handoff;
  }

  cancel(key: string): void {
    this.pending.delete(key);
  }

  get(key: string): PendingHandoff | undefined {
    return this.pending.get(key);
  }

  /** Records an ack; true when every target has now acknowledged this copy. */
  acknowledge(key: string, seq: number, from: string): boolean {
    const handoff = this.pending.get(key);
    if (!handoff || handoff.seq !== seq || !handoff.targets.includes(from)) return false;
    handoff.acked.add(from);
    if (handoff.acked.size < handoff.targets.length) return false;
    this.pending.delete(key);
    return true;
  }

  /**
   * Up to `limit` (key, target) pairs still waiting for an ack, for a resend. The keys
   * returned move to the back of the queue, so keys waiting on a dead owner cannot starve
   * the others of resends.
   */
  unacknowledged(limit: number): { key: string; seq: number; target: string }[] {
    const out: { key: string; seq: number; target: string }[] = [];
    const visited: string[] = [];
    for (const [key, handoff] of this.pending) {
      if (out.length >= limit) break;
      visited.push(key);
      for (const target of handoff.targets) if (!handoff.acked.has(target)) out.push({ key, seq: handoff.seq, target });
    }
    for (const key of visited) {
      const handoff = this.pending.get(key);
      if (!handoff) continue;
      this.pending.delete(key);
      this.pending.set(key, handoff);
    }
    return out;
  }

  clear(): void {
    this.pending.clear();
  }
}
