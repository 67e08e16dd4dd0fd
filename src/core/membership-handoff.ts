/**
 * Handing keys over when membership changes (paper §4.9): after a join or a leave, a node
 * offers every key it holds but no longer owns to the key's N owners, and deletes it only
 * once every owner acknowledged the copy that is still current. A key written again
 * meanwhile gets a new sequence number and is offered again, so an ack for an older copy
 * never drops newer data. Hints held for a node that left the ring could never be delivered:
 * they become this node's data, which then goes to the key's owners like any other.
 *
 * A ring change does not check every key in one step: a node holding 200,000 keys would stop
 * answering requests for seconds. Keys are checked a batch per turn (a zero-delay timer lets
 * requests in between), and no more than a window of keys waits for acks at once, so the
 * new owners are not flooded either: each completed handoff lets the next key go. Keys whose
 * owner never answers would fill the window for good, so a maintenance round in which no
 * handoff completed widens the window by one more: a dead owner slows the scan to a window
 * per round, it never stops it.
 *
 * Rings are numbered (epochs). A node can hear of a newer ring from a peer's handoff before
 * the ring itself reaches it; until it does, its own idea of the owners is stale, so it hands
 * nothing off. Otherwise a new owner that still held the old ring would pass the key back to
 * the old owners and drop it, and the sender, acknowledged, would drop it too: one copy gone.
 */
import type { Siblings } from '../protocol/data.js';
import type { Handoff, HandoffAck } from '../protocol/messages.js';
import type { EffectSink } from './effects.js';
import type { HintStore } from './hinted-handoff.js';
import type { Ring } from './ring.js';
import type { KeyValueStore } from './storage.js';

interface PendingHandoff {
  readonly seq: number;
  readonly owners: readonly string[];
  readonly acked: Set<string>;
}

export interface HandoffDeps {
  readonly nodeId: string;
  readonly n: number;
  readonly data: KeyValueStore<Siblings>;
  readonly hints: HintStore;
  readonly sink: EffectSink;
  readonly ring: () => Ring;
  /** Keys checked per turn after a ring change. */
  readonly scanBatch: number;
  /** Keys offered and not yet acknowledged at once, at most (a write's own offer aside). */
  readonly window: number;
  /** The epoch of the ring this node starts with. */
  readonly ringEpoch: number;
  /** Merges versions into this node's data (and checks ownership again). */
  readonly storeData: (key: string, siblings: Siblings) => void;
}

export class MembershipHandoff {
  private readonly pending = new Map<string, PendingHandoff>();
  /** The keys held when the ring last changed, and how far checking them has got. */
  private scan: { readonly keys: readonly string[]; next: number } | null = null;
  private scanScheduled = false;
  /** Keys that may wait for acks at once: the window, widened by rounds without progress. */
  private capacity: number;
  private completedThisRound = false;
  private nextSeq = 1;
  private epoch: number;
  /** The newest ring epoch a peer acted on; above `epoch` while this node's ring is stale. */
  private newestEpochHeard: number;
  handedOff = 0;

  constructor(private readonly deps: HandoffDeps) {
    this.epoch = deps.ringEpoch;
    this.newestEpochHeard = deps.ringEpoch;
    this.capacity = deps.window;
  }

  /** The epoch of the ring this node acts on. */
  get ringEpoch(): number {
    return this.epoch;
  }

  /** Keys offered and not yet acknowledged by every owner, plus keys not checked yet. */
  get size(): number {
    return this.pending.size + (this.scan ? this.scan.keys.length - this.scan.next : 0);
  }

  /** The ring changed: hints for departed owners become data, then every key is checked. */
  ringChanged(epoch: number): void {
    const { hints, data, ring } = this.deps;
    this.epoch = epoch;
    this.newestEpochHeard = Math.max(this.newestEpochHeard, epoch);
    this.pending.clear();
    for (const hint of hints.all()) {
      if (ring().has(hint.owner)) continue;
      hints.deleteIfUnchanged(hint.owner, hint.key, hint.seq);
      this.deps.storeData(hint.key, hint.siblings);
    }
    this.scan = { keys: [...data.keys()], next: 0 };
    this.capacity = this.deps.window;
    this.continueScan();
  }

  /** Checks the next batch of keys, while the window has room; more on the next turn. */
  private continueScan(): void {
    const scan = this.scan;
    if (!scan) return;
    const { scanBatch } = this.deps;
    for (let checked = 0; checked < scanBatch && scan.next < scan.keys.length && this.pending.size < this.capacity; checked++) {
      const key = scan.keys[scan.next++] as string;
      // Keys just stored from hints were checked (and offered) by storeData already.
      if (!this.pending.has(key)) this.check(key);
    }
    if (scan.next >= scan.keys.length) {
      this.scan = null;
      return;
    }
    // A full window waits for acks (onAck continues) or a round; otherwise the next turn goes on.
    if (this.pending.size >= this.capacity || this.scanScheduled) return;
    this.scanScheduled = true;
    this.deps.sink.setTimer(0, () => {
      this.scanScheduled = false;
      this.continueScan();
    });
  }

  /** Offers `key` to its owners when this node is not one of them (any more). */
  check(key: string): void {
    // A stale ring names the wrong owners; ringChanged checks every key once the ring arrives.
    if (this.newestEpochHeard > this.epoch) return;
    const owners = this.deps.ring().preferenceList(key, this.deps.n);
    if (owners.includes(this.deps.nodeId)) {
      this.pending.delete(key);
      return;
    }
    const siblings = this.deps.data.get(key);
    // An empty ring has nowhere to hand off to: the key stays.
    if (!siblings || owners.length === 0) return;
    const seq = this.nextSeq++;
    this.pending.set(key, { seq, owners, acked: new Set() });
    for (const owner of owners) this.deps.sink.send(owner, { kind: 'handoff', key, seq, siblings, epoch: this.epoch });
  }

  /** As a new owner: take the key and acknowledge that copy. */
  onHandoff(from: string, msg: Handoff): void {
    this.newestEpochHeard = Math.max(this.newestEpochHeard, msg.epoch);
    this.deps.storeData(msg.key, msg.siblings);
    this.deps.sink.send(from, { kind: 'handoff.ack', key: msg.key, seq: msg.seq });
  }

  /** An owner has the copy; once every owner has it, the key is deleted here. */
  onAck(from: string, msg: HandoffAck): void {
    const handoff = this.pending.get(msg.key);
    if (!handoff || handoff.seq !== msg.seq || !handoff.owners.includes(from)) return;
    handoff.acked.add(from);
    if (handoff.acked.size < handoff.owners.length) return;
    this.pending.delete(msg.key);
    this.deps.data.delete(msg.key);
    this.handedOff++;
    this.completedThisRound = true;
    if (!this.scanScheduled) this.continueScan();
  }

  /**
   * Offers again up to `limit` (key, owner) pairs still waiting for an ack. The keys offered
   * move to the back of the queue, so keys waiting on a dead owner cannot starve the others.
   */
  resend(limit: number): void {
    const visited: string[] = [];
    let sent = 0;
    for (const [key, handoff] of this.pending) {
      if (sent >= limit) break;
      visited.push(key);
      const siblings = this.deps.data.get(key);
      if (!siblings) {
        // Deleted here meanwhile (reaped): nothing left to hand over.
        this.pending.delete(key);
        continue;
      }
      for (const owner of handoff.owners) {
        if (handoff.acked.has(owner)) continue;
        this.deps.sink.send(owner, { kind: 'handoff', key, seq: handoff.seq, siblings, epoch: this.epoch });
        sent++;
      }
    }
    for (const key of visited) {
      const handoff = this.pending.get(key);
      if (!handoff) continue;
      this.pending.delete(key);
      this.pending.set(key, handoff);
    }
    // A round in which nothing completed while the window was full: owners that do not answer
    // hold it; widen it by one window so the scan goes on.
    if (this.scan && this.pending.size >= this.capacity && !this.completedThisRound) this.capacity += this.deps.window;
    this.completedThisRound = false;
    if (!this.scanScheduled) this.continueScan();
  }
}
