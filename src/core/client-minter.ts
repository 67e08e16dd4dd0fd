/**
 * How a client mints dots for the writes it coordinates (client coordination mode).
 *
 * A dot must never repeat, and an actor's dots for one key should run 1, 2, 3... so that they
 * fold into vector-clock entries instead of growing every context. A node knows its last
 * counter for a key from what it stores; a client stores nothing, so it remembers the last
 * counter it used per key. The memory is bounded: when it is full, the client starts a new
 * actor (a new epoch of its id) with no counters at all, since a new actor cannot collide
 * with anything the old one minted. One more actor per `capacity` distinct keys written is
 * what that costs, and clock pruning bounds it.
 */
import { highestCounter, type CausalContext, type Dot } from './causal-context.js';

export const DEFAULT_MINTER_CAPACITY = 65_536;

export class ClientMinter {
  private readonly lastCounter = new Map<string, number>();
  private epoch = 0;

  constructor(
    private readonly clientId: string,
    private readonly capacity = DEFAULT_MINTER_CAPACITY,
  ) {}

  get actorId(): string {
    return this.epoch === 0 ? this.clientId : `${this.clientId}.${this.epoch}`;
  }

  mint(key: string, context: CausalContext, nowMs: number): Dot {
    if (!this.lastCounter.has(key) && this.lastCounter.size >= this.capacity) {
      this.lastCounter.clear();
      this.epoch++;
    }
    const actor = this.actorId;
    const counter = Math.max(this.lastCounter.get(key) ?? 0, highestCounter(context, actor)) + 1;
    this.lastCounter.set(key, counter);
    return { actor, counter, timeMs: nowMs };
  }
}
