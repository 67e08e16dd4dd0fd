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
 *
 * A key reaped everywhere (tombstone-reaper.ts) is forgotten, so the memory goes, but its
 * counters must not run again from 1: a client may still hold a context from before the
 * delete, and it would cover the new writes. So the minter keeps one number, the highest
 * counter of any key it forgot, and counts a key it does not know from there. The new key's
 * context then has a gap below its first dot, and nothing old covers it.
 */
import type { CausalContext, Dot } from '../protocol/data.js';
import { highestCounter } from './causal-context.js';

export class DotMinter {
  private readonly lastCounter = new Map<string, number>();
  /** The highest counter of any key forgotten under the current actor. */
  private forgottenFloor = 0;
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
      this.forgottenFloor = 0;
      this.epoch++;
    }
    const actor = this.actorId;
    const counter = Math.max(this.lastCounter.get(key) ?? this.forgottenFloor, highestCounter(context, actor), alsoSeen(actor)) + 1;
    this.lastCounter.set(key, counter);
    return { actor, counter, timeMs: nowMs };
  }

  /** Keys remembered (each costs memory until forgotten or the actor changes). */
  get size(): number {
    return this.lastCounter.size;
  }

  /** Lets go of a key deleted everywhere; its counters go on above every forgotten one. */
  forget(key: string): void {
    const last = this.lastCounter.get(key);
    if (last === undefined) return;
    this.forgottenFloor = Math.max(this.forgottenFloor, last);
    this.lastCounter.delete(key);
  }
}
