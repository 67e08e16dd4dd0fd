/**
 * Minting dots: the name of every new version. A dot must never be minted twice (two values
 * under one name: a merge would keep one and silently lose the other), and an actor's dots for
 * one key should run 1, 2, 3... so that they fold into its clock entry.
 *
 * Nodes and the client (client coordination) mint the same way: the minter remembers the last
 * counter it used per key, whether or not it keeps the version (a node that forwarded the
 * request, handed the key away or delivered its hint no longer holds it). The memory is
 * bounded: when it is full it is cleared and the minter moves to a new actor (a new epoch of
 * its id), which cannot collide with anything the old one minted. One more actor per
 * `capacity` keys written is what that costs, and pruning bounds it.
 */
import type { CausalContext, Dot } from '../protocol/data.js';
import { highestCounter } from './causal-context.js';

export class DotMinter {
  private readonly lastCounter = new Map<string, number>();
  private epoch = 0;

  constructor(
    /** Unique per incarnation of the node or client (a restarted node must not reuse it). */
    private readonly baseActor: string,
    private readonly capacity: number,
  ) {}

  /** The actor new dots are minted for. */
  get actorId(): string {
    return this.epoch === 0 ? this.baseActor : `${this.baseActor}.${this.epoch}`;
  }

  /**
   * The next dot for `key`: above every counter this actor minted for it, and above any
   * counter of this actor that `context` or `alsoSeen` (what the minter's own store shows)
   * claims, so that no version anyone holds can already carry it.
   */
  mint(key: string, context: CausalContext, alsoSeen: (actor: string) => number, nowMs: number): Dot {
    if (!this.lastCounter.has(key) && this.lastCounter.size >= this.capacity) {
      this.lastCounter.clear();
      this.epoch++;
    }
    const actor = this.actorId;
    const counter = Math.max(this.lastCounter.get(key) ?? 0, highestCounter(context, actor), alsoSeen(actor)) + 1;
    this.lastCounter.set(key, counter);
    return { actor, counter, timeMs: nowMs };
  }
}
