/**
 * Reaping tombstones. A delete is a version (a tombstone) so that replicas that missed it
 * learn of it, and a stale copy met later is recognised as dead. Kept for ever, tombstones
 * hold memory for keys that no longer exist. Riak (delete_mode) and Cassandra (gc_grace)
 * reap them once every replica holds the tombstone and it is older than a grace period.
 *
 * Here, a key's first owner reaps it. Its data must hold nothing but tombstones, the newest
 * older than `graceMs`, and its ring must not have changed within the grace period. It asks
 * every node of the ring (a query carrying its copy). A node votes yes when what it holds
 * for the key, data and hints, adds nothing to that copy: it holds the tombstone or nothing
 * at all. Only when every node said yes does the reaper delete its copy and tell all nodes
 * to delete theirs (a commit). A node deletes only if it still adds nothing, so a write that
 * arrived meanwhile survives. A node that is down, or a vote that is lost, means no reap this
 * time. A lost commit leaves a tombstone behind, which anti-entropy brings back to the
 * reaper, and the next round reaps it again.
 *
 * What is not asked is a node outside the ring (one that left and still drains) or a message
 * in flight: a hint, a repair or a handoff sent just before the votes, carrying versions the
 * tombstone covers. So a node keeps what it reaped for one more grace period, and a stale
 * copy arriving meanwhile merges against it and dies (replica.ts). The grace period, like
 * Cassandra's gc_grace, must be longer than a request's timeout, message delays, and a
 * leaving node's drain.
 *
 * A node that deletes a key also has its minter forget the key. The minter then starts the
 * key's counters above any counter it ever used for a key it forgot, so a client still
 * holding a context from before the delete cannot cover a new write (minting.ts).
 */
import type { Siblings } from '../protocol/data.js';
import type { ReapCommit, ReapQuery, ReapVote } from '../protocol/messages.js';
import type { EffectSink } from './effects.js';
import type { HintStore } from './hinted-handoff.js';
import type { Ring } from './ring.js';
import { includesAll, NO_SIBLINGS } from './siblings.js';
import type { KeyValueStore } from './storage.js';

export interface ReaperDeps {
  readonly nodeId: string;
  readonly n: number;
  /** How old the newest tombstone of a key must be before it is reaped. */
  readonly graceMs: number;
  /** Keys whose reaping starts per maintenance round, at most. */
  readonly batch: number;
  /** How long a round waits for votes. */
  readonly roundTimeoutMs: number;
  readonly data: KeyValueStore<Siblings>;
  readonly hints: HintStore;
  readonly sink: EffectSink;
  readonly ring: () => Ring;
  readonly nowMs: () => number;
  /** Every node that may hold data for any key: the ring, and nodes still draining after a leave. */
  readonly voters: () => readonly string[];
  /** Merges into this node's data (replica.ts: bounded, and every watcher told). */
  readonly storeData: (key: string, siblings: Siblings) => void;
  /** Called for each key this node deleted (its minter forgets the key). */
  readonly forgotten: (key: string) => void;
}

interface Round {
  readonly id: number;
  readonly siblings: Siblings;
  readonly voters: ReadonlySet<string>;
  readonly yes: Set<string>;
  readonly startedMs: number;
}

/** True when a key's versions are all tombstones; the newest tombstone's time then. */
function newestTombstoneMs(siblings: Siblings): number | null {
  let newest = 0;
  for (const version of siblings.versions) {
    if (!version.deleted) return null;
    newest = Math.max(newest, version.dot.timeMs);
  }
  return newest;
}

export class TombstoneReaper {
  /** Keys that held only tombstones when last written; checked lazily, in turn. */
  private readonly candidates = new Set<string>();
  private readonly rounds = new Map<string, Round>();
  /** What was reaped, kept a grace period against stale copies in flight (oldest first). */
  private readonly recentlyReaped = new Map<string, { readonly siblings: Siblings; readonly untilMs: number }>();
  private nextRound = 1;
  private ringChangedMs: number;
  reaped = 0;

  constructor(private readonly deps: ReaperDeps) {
    this.ringChangedMs = deps.nowMs();
  }


  /** Reaped keys still kept against stale copies. */
  get remembered(): number {
    return this.recentlyReaped.size;
  }

  /** The copy reaped for `key` within the last grace period, if any. */
  reapedCopy(key: string): Siblings | undefined {
    const reaped = this.recentlyReaped.get(key);
    return reaped !== undefined && reaped.untilMs > this.deps.nowMs() ? reaped.siblings : undefined;
  }

  /** A key's data changed: a key of tombstones only becomes a candidate. */
  noteChanged(key: string): void {
    const siblings = this.deps.data.get(key);
    if (siblings !== undefined && newestTombstoneMs(siblings) !== null) this.candidates.add(key);
  }

  /** The ring changed (or this node started): no reaping for a grace period. */
  ringChanged(): void {
    this.ringChangedMs = this.deps.nowMs();
    this.rounds.clear();
  }

  /** Starts rounds for up to `batch` candidates and drops rounds that waited too long. */
  tick(): void {
    const now = this.deps.nowMs();
    for (const [key, round] of this.rounds) if (now - round.startedMs > this.deps.roundTimeoutMs) this.rounds.delete(key);
    for (const [key, reaped] of this.recentlyReaped) {
      if (reaped.untilMs > now) break;
      this.recentlyReaped.delete(key);
    }
    if (now - this.ringChangedMs < this.deps.graceMs) return;
    const visited: string[] = [];
    for (const key of this.candidates) {
      if (visited.length >= this.deps.batch) break;
      visited.push(key);
      if (!this.rounds.has(key)) this.consider(key, now);
    }
    // Candidates looked at go to the back, so none waits behind keys that cannot be reaped yet;
    // keys gone or written again since drop out (a new tombstone makes them candidates again).
    for (const key of visited) {
      if (!this.candidates.delete(key)) continue;
      const held = this.deps.data.get(key);
      if (held !== undefined && newestTombstoneMs(held) !== null) this.candidates.add(key);
    }
  }

  /** As a voter: yes when what this node holds for the key adds nothing to the reaper's copy. */
  onQuery(from: string, msg: ReapQuery): void {
    const settled = this.deps.nowMs() - this.ringChangedMs >= this.deps.graceMs;
    const ok = settled && this.addsNothing(msg.key, msg.siblings);
    if (ok) this.adopt(msg.key, msg.siblings);
    this.deps.sink.send(from, { kind: 'reap.vote', key: msg.key, round: msg.round, ok });
  }

  /**
   * A yes voter takes the tombstone into what it holds for the key (data and hints). Its older
   * copies were covered, so from now on all it can ever send for the key (a hint delivery,
   * anti-entropy, a handoff) is the tombstone, never a version the delete removed, even if
   * the commit never reaches it.
   */
  private adopt(key: string, reaped: Siblings): void {
    const { data, hints } = this.deps;
    if (data.get(key) !== undefined) this.deps.storeData(key, reaped);
    for (const hint of hints.forKey(key)) hints.add(hint.owner, key, reaped);
  }

  /** As the reaper: once every node said yes, everyone deletes. */
  onVote(from: string, msg: ReapVote): void {
    const round = this.rounds.get(msg.key);
    if (!round || round.id !== msg.round || !round.voters.has(from)) return;
    if (!msg.ok) {
      this.rounds.delete(msg.key);
      return;
    }
    round.yes.add(from);
    if (round.yes.size < round.voters.size) return;
    this.rounds.delete(msg.key);
    for (const voter of round.voters) this.deps.sink.send(voter, { kind: 'reap.commit', key: msg.key, siblings: round.siblings });
    this.deleteIfCovered(msg.key, round.siblings);
  }

  /** Deletes the key here unless something arrived since that the reaped copy does not cover. */
  onCommit(msg: ReapCommit): void {
    this.deleteIfCovered(msg.key, msg.siblings);
  }

  private consider(key: string, now: number): void {
    const { data, ring, nodeId, n } = this.deps;
    const siblings = data.get(key);
    if (siblings === undefined) return;
    const newest = newestTombstoneMs(siblings);
    if (newest === null || now - newest < this.deps.graceMs) return;
    if (ring().preferenceList(key, n)[0] !== nodeId || !this.addsNothing(key, siblings)) return;
    const voters = new Set(this.deps.voters().filter((node) => node !== nodeId));
    const round: Round = { id: this.nextRound++, siblings, voters, yes: new Set(), startedMs: now };
    if (voters.size === 0) {
      this.deleteIfCovered(key, siblings);
      return;
    }
    this.rounds.set(key, round);
    for (const voter of voters) this.deps.sink.send(voter, { kind: 'reap.query', key, round: round.id, siblings });
  }

  private addsNothing(key: string, reaped: Siblings): boolean {
    const { data, hints } = this.deps;
    return includesAll(reaped, data.get(key) ?? NO_SIBLINGS) && includesAll(reaped, hints.siblingsOf(key));
  }

  private deleteIfCovered(key: string, reaped: Siblings): void {
    const { data, hints } = this.deps;
    const own = data.get(key);
    if (own !== undefined && !includesAll(reaped, own)) return;
    for (const hint of hints.forKey(key)) {
      if (includesAll(reaped, hint.siblings)) hints.deleteIfUnchanged(hint.owner, key, hint.seq);
    }
    if (own !== undefined) {
      data.delete(key);
      this.reaped++;
    }
    // Re-inserted so the map stays in expiry order.
    this.recentlyReaped.delete(key);
    this.recentlyReaped.set(key, { siblings: reaped, untilMs: this.deps.nowMs() + this.deps.graceMs });
    this.candidates.delete(key);
    this.deps.forgotten(key);
  }
}
