/**
 * Anti-entropy (paper §4.7): replicas of a key range compare Merkle trees and repair the keys
 * that differ, so data nobody reads still converges to N copies (a node restarted empty, a
 * replica that missed writes with no hint to bring them).
 *
 * Exchange, one range with one peer. The initiator sends its root (`ae.compare`, level 0).
 * The receiver compares the nodes it is sent with its own tree: none differ, it answers
 * `ae.done` (and both note that the range matched); else it answers with its own hashes of the
 * children of those that differ, one level down, and the two alternate down the tree. At the
 * leaves, the side that finds differing leaves lists their keys and digests (`ae.leaves`); the
 * other compares them with its own and answers `ae.sync`: the versions of keys the first side
 * lacks or holds differently, and the keys it wants back (those it lacks or holds
 * differently). The first side merges what it got and answers with its versions of the keys
 * wanted, taken after that merge, so both end with the join. Every merge goes through
 * `storeData` (the replica's siblings join): causality rules as for any other write.
 *
 * Each step is judged against the receiver's tree as it is then, so no side keeps state for
 * an exchange but its initiator's record (to count it). A lost message ends the exchange; the
 * next round starts another.
 *
 * Bounds: a node starts at most `antiEntropyExchangesPerRound` exchanges every
 * `antiEntropyIntervalMs`; a message carries at most `antiEntropyMaxKeysPerMessage` tree
 * nodes, key digests, versions or wanted keys (where more differ, a window of them, rotated by
 * the exchange id; the rest go in later exchanges, since the trees still differ there).
 */
import type { Siblings } from '../protocol/data.js';
import type { AeCompare, AeDone, AeLeaves, AeSync, AntiEntropyMessage } from '../protocol/messages.js';
import { RangeTrees, type KeyRange } from './anti-entropy-ranges.js';
import type { EngineTuning } from './config.js';
import type { EffectSink } from './effects.js';
import type { Ring, RingHash } from './ring.js';
import type { KeyValueStore } from './storage.js';

export interface AntiEntropyStats {
  /** Exchanges this node started, and those that ran to their end. */
  readonly antiEntropyExchangesStarted: number;
  readonly antiEntropyExchangesCompleted: number;
  /** Keys whose versions this node sent to a peer in repair messages. */
  readonly antiEntropyKeysSent: number;
  /** Keys whose data changed here by versions a peer sent in a repair message. */
  readonly antiEntropyKeysReceived: number;
  /** Over this node's ranges, the longest time since a range last matched every peer. */
  readonly antiEntropyMaxSinceMatchMs: number;
  /** Per range: its keys here, and the time since it last matched every peer (or was derived). */
  readonly antiEntropyRanges: readonly { readonly range: string; readonly keys: number; readonly sinceMatchMs: number }[];
}

export interface AntiEntropyDeps {
  readonly nodeId: string;
  readonly tuning: EngineTuning;
  readonly sink: EffectSink;
  readonly hash: RingHash;
  readonly ring: () => Ring;
  /** The epoch of the ring this node acts on. */
  readonly epoch: () => number;
  /** The node's own data (hints are not in it). */
  readonly data: KeyValueStore<Siblings>;
  /** Merges versions into the node's data. */
  readonly storeData: (key: string, siblings: Siblings) => void;
  readonly suspected: (node: string) => boolean;
}

interface Exchange {
  readonly range: string;
  readonly peer: string;
  readonly startedMs: number;
}

type Step = Pick<AntiEntropyMessage, 'xid' | 'initiator' | 'range' | 'epoch'>;

/** Up to `limit` items of `items`, starting at a rotation picked by `seed`, in order. */
function window<T>(items: readonly T[], seed: number, limit: number): T[] {
  if (items.length <= limit) return [...items];
  const start = (seed * limit) % items.length;
  return Array.from({ length: limit }, (_, i) => items[(start + i) % items.length] as T);
}

export class AntiEntropy {
  readonly trees: RangeTrees;
  private readonly inFlight = new Map<number, Exchange>();
  private nextXid = 1;
  private cursor = 0;
  private lastRoundMs = 0;
  private nowMs = 0;
  private started = 0;
  private completed = 0;
  private keysSent = 0;
  private keysReceived = 0;
  /** Data changes seen (set or delete), to tell whether a merge changed anything. */
  private changes = 0;
  /**
   * Keys changed since the trees were last brought up to date (a new Set each flush, see
   * id-map.ts on clearing). A change only marks its key (O(1) on the write path); the trees
   * take every marked key, once however often it changed, before anything reads them: the
   * maintenance round that starts exchanges, each anti-entropy message, stats. A round in
   * between takes them only when they reach a round's rebuild budget
   * (`antiEntropyRebuildKeysPerRound`), so that no one flush grows without bound. Taking them
   * every round (every 100 ms) digested each key of a busy node ten times a second, in pauses
   * of a few hundred microseconds that requests arriving meanwhile waited out
   * (docs/PERFORMANCE.md, "The twelfth round").
   */
  private dirty = new Set<string>();

  constructor(private readonly deps: AntiEntropyDeps) {
    this.trees = new RangeTrees({ nodeId: deps.nodeId, n: deps.tuning.n, hash: deps.hash, ring: deps.ring, data: deps.data });
  }

  private get enabled(): boolean {
    return this.deps.tuning.antiEntropyIntervalMs > 0;
  }

  /** At least a tree node's children, so that a descent always makes progress. */
  private get maxKeys(): number {
    return Math.max(this.trees.fanout, this.deps.tuning.antiEntropyMaxKeysPerMessage);
  }

  /** The node starts: ranges are derived, the first round comes one interval later. */
  start(nowMs: number): void {
    this.nowMs = nowMs;
    this.lastRoundMs = nowMs;
    if (this.enabled) this.trees.derive(nowMs);
  }

  /** The ring changed: ranges and trees are derived again (the keys over the next rounds). */
  ringChanged(nowMs: number): void {
    this.nowMs = nowMs;
    this.inFlight.clear();
    this.cursor = 0;
    if (this.enabled) this.trees.derive(nowMs);
  }

  /** A key of the node's data was set or deleted. */
  changed(key: string): void {
    this.changes++;
    if (this.enabled) this.dirty.add(key);
  }

  /** Brings the trees up to date with every key changed since the last time. */
  private flush(): void {
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const key of dirty) this.trees.changed(key, this.deps.data.get(key));
  }

  /** One maintenance round: rebuild work, then (once per interval) new exchanges. */
  tick(nowMs: number): void {
    this.nowMs = nowMs;
    if (!this.enabled) return;
    const { antiEntropyIntervalMs: interval, antiEntropyExchangesPerRound: perRound, antiEntropyRebuildKeysPerRound } = this.deps.tuning;
    const budget = Math.max(1, antiEntropyRebuildKeysPerRound);
    if (nowMs - this.lastRoundMs >= interval || this.dirty.size >= budget) this.flush();
    this.trees.rebuildStep(budget);
    for (const [xid, exchange] of this.inFlight) if (nowMs - exchange.startedMs >= interval) this.inFlight.delete(xid);
    if (!this.trees.ready || nowMs - this.lastRoundMs < interval) return;
    this.lastRoundMs = nowMs;
    const pairs = this.pairs();
    let startedNow = 0;
    for (let tried = 0; tried < pairs.length && startedNow < perRound; tried++) {
      const [range, peer] = pairs[(this.cursor + tried) % pairs.length] as [KeyRange, string];
      if (this.deps.suspected(peer) || !this.deps.ring().has(peer) || this.busy(range.id, peer)) continue;
      const xid = this.nextXid++;
      this.inFlight.set(xid, { range: range.id, peer, startedMs: nowMs });
      this.started++;
      startedNow++;
      const nodes: [number, string][] = range.tree.isEmpty(0, 0) ? [] : [[0, range.tree.root]];
      this.send(peer, { kind: 'ae.compare', ...this.step(xid, this.deps.nodeId, range.id), level: 0, parents: [], nodes });
    }
    this.cursor = pairs.length === 0 ? 0 : (this.cursor + Math.max(1, startedNow)) % pairs.length;
  }

  receive(from: string, msg: AntiEntropyMessage, nowMs: number): void {
    this.nowMs = nowMs;
    this.flush();
    if (msg.kind === 'ae.done') {
      const range = this.trees.get(msg.range);
      if (msg.matched && range && msg.epoch === this.deps.epoch()) range.matchedMs.set(from, nowMs);
      this.finish(msg, from);
      return;
    }
    const range = this.accepts(from, msg);
    if (!range) return;
    switch (msg.kind) {
      case 'ae.compare':
        this.onCompare(from, msg, range);
        break;
      case 'ae.leaves':
        this.onLeaves(from, msg, range);
        break;
      case 'ae.sync':
        this.onSync(from, msg);
        break;
    }
  }

  stats(nowMs: number): AntiEntropyStats {
    this.flush();
    const ranges = this.trees.list().map((range) => {
      const oldest = Math.min(...range.peers.map((peer) => range.matchedMs.get(peer) ?? range.derivedMs));
      return { range: range.id, keys: range.tree.size, sinceMatchMs: range.peers.length === 0 ? 0 : Math.max(0, nowMs - oldest) };
    });
    return {
      antiEntropyExchangesStarted: this.started,
      antiEntropyExchangesCompleted: this.completed,
      antiEntropyKeysSent: this.keysSent,
      antiEntropyKeysReceived: this.keysReceived,
      antiEntropyMaxSinceMatchMs: Math.max(0, ...ranges.map((r) => r.sinceMatchMs)),
      antiEntropyRanges: ranges,
    };
  }

  // ---- the exchange ---------------------------------------------------------------------

  /** Compare the sender's nodes with ours: done, one level down, or (at the leaves) their keys. */
  private onCompare(from: string, msg: AeCompare, range: KeyRange): void {
    const tree = range.tree;
    const differing = tree.differing(msg.level, msg.parents.slice(0, this.maxKeys), new Map(msg.nodes));
    if (differing.length === 0) {
      const matched = msg.level === 0;
      if (matched) range.matchedMs.set(from, this.nowMs);
      this.end(from, { kind: 'ae.done', ...this.reply(msg), matched });
      return;
    }
    if (msg.level < tree.depth) {
      // One level down: the children of as many differing nodes as fit, non-empty ones listed.
      const level = msg.level + 1;
      const parents: number[] = [];
      const nodes: [number, string][] = [];
      for (const parent of window(differing, msg.xid, this.maxKeys)) {
        const children = tree.childrenOf(msg.level, parent).filter((child) => !tree.isEmpty(level, child));
        if (parents.length > 0 && nodes.length + children.length > this.maxKeys) break;
        parents.push(parent);
        for (const child of children) nodes.push([child, tree.hashAt(level, child)]);
      }
      this.send(from, { kind: 'ae.compare', ...this.reply(msg), level, parents, nodes });
      return;
    }
    const leaves: AeLeaves['leaves'][number][] = [];
    let budget = this.maxKeys;
    for (const leaf of window(differing, msg.xid, this.maxKeys)) {
      const keys = tree.leafEntries(leaf);
      if (leaves.length > 0 && keys.length > budget) break;
      const all = keys.length <= budget;
      // A leaf with more keys than fit: a run of them in key order, placed by the exchange id.
      const from = all ? 0 : Math.min((msg.xid * budget) % keys.length, keys.length - budget);
      const listed = all ? keys : keys.slice(from, from + budget);
      leaves.push({ leaf, all, keys: listed });
      budget -= listed.length;
    }
    this.send(from, { kind: 'ae.leaves', ...this.reply(msg), leaves });
  }

  /** Compare the sender's keys with ours: send what it lacks or holds differently, ask for the rest. */
  private onLeaves(from: string, msg: AeLeaves, range: KeyRange): void {
    const tree = range.tree;
    const push: string[] = [];
    const want: string[] = [];
    const limit = this.maxKeys;
    for (const { leaf, all, keys } of msg.leaves) {
      if (!tree.has(tree.depth, leaf)) continue;
      const theirs = new Map(keys);
      const first = keys[0]?.[0];
      const last = keys[keys.length - 1]?.[0];
      for (const [key, digest] of tree.leafEntries(leaf)) {
        const their = theirs.get(key);
        theirs.delete(key);
        if (their === digest) continue;
        if (their === undefined && !all && (first === undefined || last === undefined || key < first || key > last)) continue;
        if (push.length < limit) push.push(key);
        if (their !== undefined && want.length < limit) want.push(key);
      }
      for (const key of theirs.keys()) if (want.length < limit) want.push(key);
    }
    const entries = this.entriesOf(push);
    if (entries.length === 0 && want.length === 0) {
      this.end(from, { kind: 'ae.done', ...this.reply(msg), matched: false });
      return;
    }
    const sync: AeSync = { kind: 'ae.sync', ...this.reply(msg), entries, want };
    if (want.length === 0) this.end(from, sync);
    else this.send(from, sync);
  }

  /** Merge what the peer sent; answer with what it wants (after the merge: the join). */
  private onSync(from: string, msg: AeSync): void {
    for (const { key, siblings } of msg.entries.slice(0, this.maxKeys)) {
      // Only keys of this range: a peer on the same ring agrees, this guards the store.
      if (this.trees.rangeOf(key) !== msg.range) continue;
      const before = this.changes;
      this.deps.storeData(key, siblings);
      if (this.changes !== before) this.keysReceived++;
    }
    if (msg.want.length === 0) {
      this.finish(msg, from);
      return;
    }
    const entries = this.entriesOf(msg.want.slice(0, this.maxKeys).filter((key) => this.trees.rangeOf(key) === msg.range));
    if (entries.length === 0) this.end(from, { kind: 'ae.done', ...this.reply(msg), matched: false });
    else this.end(from, { kind: 'ae.sync', ...this.reply(msg), entries, want: [] });
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** The range a message is about, if this node takes part in it on the same ring. */
  private accepts(from: string, msg: AntiEntropyMessage): KeyRange | undefined {
    if (!this.enabled || !this.trees.ready || msg.epoch !== this.deps.epoch()) return undefined;
    const range = this.trees.get(msg.range);
    return range?.peers.includes(from) ? range : undefined;
  }

  private entriesOf(keys: readonly string[]): AeSync['entries'][number][] {
    const entries: { key: string; siblings: Siblings }[] = [];
    for (const key of keys) {
      const siblings = this.deps.data.get(key);
      if (siblings) entries.push({ key, siblings });
    }
    this.keysSent += entries.length;
    return entries;
  }

  /** The (range, peer) pairs to exchange, each peer slot in turn across the ranges. */
  private pairs(): [KeyRange, string][] {
    const ranges = this.trees.list().sort((a, b) => (a.id < b.id ? -1 : 1));
    const out: [KeyRange, string][] = [];
    const slots = Math.max(0, ...ranges.map((r) => r.peers.length));
    for (let slot = 0; slot < slots; slot++) {
      for (const range of ranges) {
        const peer = range.peers[slot];
        if (peer !== undefined) out.push([range, peer]);
      }
    }
    return out;
  }

  private busy(range: string, peer: string): boolean {
    for (const exchange of this.inFlight.values()) if (exchange.range === range && exchange.peer === peer) return true;
    return false;
  }

  private step(xid: number, initiator: string, range: string): Step {
    return { xid, initiator, range, epoch: this.deps.epoch() };
  }

  private reply(msg: Step): Step {
    return this.step(msg.xid, msg.initiator, msg.range);
  }

  private send(to: string, msg: AntiEntropyMessage): void {
    this.deps.sink.send(to, msg);
  }

  /** Sends the last message of an exchange. */
  private end(to: string, msg: AeDone | AeSync): void {
    this.send(to, msg);
    this.finish(msg, to);
  }

  /** An exchange this node started reached its end. */
  private finish(msg: Step, peer: string): void {
    if (msg.initiator !== this.deps.nodeId) return;
    const exchange = this.inFlight.get(msg.xid);
    if (!exchange || exchange.peer !== peer) return;
    this.inFlight.delete(msg.xid);
    this.completed++;
  }
}
