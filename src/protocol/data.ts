/**
 * The plain data that travels in messages and sits in stores: clocks, dots, contexts,
 * versions and sibling sets. Only shapes live here (no classes, no functions), so they
 * survive structured clone and v8.serialize unchanged; the operations on them are the core's
 * (src/core/causal-context.ts, src/core/siblings.ts).
 */

/** Counters of one actor that were not seen: an inclusive range, `from` <= `to`. */
export type Gap = readonly [from: number, to: number];

/**
 * A vector clock (paper §4.4) as the engine keeps and sends it: one flat array of entries,
 * one per actor, each `[actor, counter, timeMs, gapCount, from, to, ...]`:
 * - `counter`: the highest counter of the actor's events seen; always seen itself;
 * - `timeMs`: when the actor made that event, by its own clock (pruning drops the oldest
 *   actor first);
 * - `gapCount` ranges `[from, to]` of counters below `counter` not seen: sorted, disjoint,
 *   non-adjacent. Every other counter up to `counter` was seen (a version vector with
 *   exceptions), so one event that never arrives costs one gap, not every later event.
 *
 * Flat rather than a record of entry objects: a clock crosses a port in nearly every message
 * and is joined at every merge, and an object per entry (and per gap) was most of what
 * building, checking and joining one cost (docs/PERFORMANCE.md, "The eleventh round"). In the
 * core only src/core/causal-context.ts reads or builds one; the wire codec and the guards read
 * it as they read every message, and the API shows it as a VectorClock.
 */
export type Clock = readonly (string | number)[];

/** One actor's entry of a clock as the API shows it (`Context.clock`, `inspect`). */
export interface ClockEntry {
  /** The highest counter seen; always seen itself. */
  readonly counter: number;
  /** When the actor made that event, by its own clock; pruning drops the oldest actor first. */
  readonly timeMs: number;
  /** Counters below `counter` not seen: sorted, disjoint, non-adjacent ranges; absent when none. */
  readonly gaps?: readonly Gap[];
}

/** A vector clock as the API shows it: actor id to entry. Absent actors have seen nothing. */
export type VectorClock = Readonly<Record<string, ClockEntry>>;

/** One write event: the actor that made it, its counter, and when it was made. */
export interface Dot {
  readonly actor: string;
  readonly counter: number;
  readonly timeMs: number;
}

/** The set of write events ("dots") someone has seen, as one vector clock with exceptions. */
export interface CausalContext {
  readonly clock: Clock;
  /**
   * The node that answered the read (or took the write) this context came from. In node
   * coordination the next write goes there, as paper §5 suggests: it is in the key's
   * preference list, so no forward is needed, and it has just seen the versions.
   */
  readonly readFrom?: string;
}

/** One version of a key's value, named by the dot of the write that made it; deletes are tombstones. */
export interface Version {
  readonly value: unknown;
  readonly deleted: boolean;
  readonly dot: Dot;
}

/**
 * What a replica holds for a key, and the unit of replication: the concurrent versions, and
 * the context of every event seen for the key (the versions' own dots included). A dot the
 * context covers that is not among the versions was superseded: that is how a replica knows
 * an old version it meets again is dead, whatever the context of the write that killed it.
 */
export interface Siblings {
  readonly versions: readonly Version[];
  readonly context: CausalContext;
}

/**
 * The ring's members as of one change. `epoch` grows with every change, so a node can tell
 * that a peer already acts on a ring it has not heard of yet.
 */
export interface Membership {
  readonly nodes: readonly string[];
  readonly epoch: number;
  /** Nodes out of the ring that still hand off their keys (they still hold data). */
  readonly draining?: readonly string[];
}
