/**
 * The contexts one cluster hands out. Each shows the engine's clock as a record (the engine's
 * own is flat, src/protocol/data.ts), is frozen (its clock, entries and gaps too), and
 * carries, in a private field, the tag of the key it was issued for and the engine's context
 * it stands for. Handed back as it came, it cannot have changed, so a put takes it without the
 * check and the copy that any other object gets (`checkContext`): those cost about 4 µs a put
 * on the client thread, the freezing a fraction of one (docs/PERFORMANCE.md). A private field,
 * not a WeakMap: a WeakMap entry per context cost half as much again as the check it saves.
 * A context that went through structuredClone, JSON or a spread is a plain object without the
 * field, and gets the full check.
 */
import { clockView } from '../core/causal-context.js';
import type { CausalContext, VectorClock } from '../protocol/data.js';
import { invalidArgument } from './errors.js';
import { checkContext, OTHER_KEY_CONTEXT } from './values.js';

/**
 * The opaque causal context of a read or write: hand it back to `put` or `delete` of the same
 * key on the same cluster to say which versions the new one supersedes. Do not build or
 * change one yourself (it is frozen).
 */
export interface Context {
  /** The write events it has seen, per actor (paper §4.4). */
  readonly clock: VectorClock;
  /** The node that answered the read (or took the write) it came from. */
  readonly readFrom?: string;
  /** The cluster and key it was handed out for: a context is good for that key only. */
  readonly issuedFor: string;
}

/**
 * Held by this module only: the constructor below refuses to run without it, so that code
 * reaching a context's constructor (`ctx.constructor`) cannot make one that passes unchecked.
 */
const ISSUING = Symbol('issuing');

/** `Object.freeze` as it was when the engine loaded: a program replacing it later cannot leave issued contexts mutable. */
const freeze = Object.freeze;

/** A context as this cluster hands it out; only this module can make one. */
class IssuedContext implements Context {
  // Declared, not defined: own properties in the order a plain context has them, and no
  // `readFrom: undefined` when there is none.
  declare readonly clock: VectorClock;
  declare readonly readFrom?: string;
  declare readonly issuedFor: string;
  readonly #engine: CausalContext;
  /** The tags of the cluster that issued it: a context of another cluster is not ours to trust. */
  readonly #issuer: IssuedContexts;

  constructor(engine: CausalContext, tag: string, issuer: IssuedContexts, token: symbol) {
    if (token !== ISSUING) throw new TypeError('contexts are made by the cluster only');
    const mutable = this as { clock: VectorClock; readFrom?: string; issuedFor: string };
    mutable.clock = freezeClock(clockView(engine.clock));
    if (engine.readFrom !== undefined) mutable.readFrom = engine.readFrom;
    mutable.issuedFor = tag;
    this.#engine = engine.readFrom === undefined ? { clock: engine.clock } : { clock: engine.clock, readFrom: engine.readFrom };
    this.#issuer = issuer;
    freeze(this);
  }

  /** The engine's context of `x` when `issuer` issued it, else undefined. */
  static engineContextOf(x: object, issuer: IssuedContexts): CausalContext | undefined {
    return #engine in x && x.#issuer === issuer ? x.#engine : undefined;
  }
}

export class IssuedContexts {
  /** The context to hand out for a key with tag `tag`: frozen, and known when it comes back. */
  issue(context: CausalContext, tag: string): Context {
    return new IssuedContext(context, tag, this, ISSUING);
  }

  /**
   * The engine's context for a write of the key with tag `tag`: this cluster's own as it was
   * issued, or else a checked copy (checkContext). Throws INVALID_ARGUMENT as checkContext does.
   */
  take(given: unknown, tag: string): CausalContext | undefined {
    const known = typeof given === 'object' && given !== null ? IssuedContext.engineContextOf(given, this) : undefined;
    if (known === undefined) return checkContext(given, tag);
    if ((given as Context).issuedFor !== tag) throw invalidArgument(OTHER_KEY_CONTEXT);
    return known;
  }
}

/** Freezes a clock as `clockView` made it (its entries and gaps are its own, made fresh). */
function freezeClock(clock: VectorClock): VectorClock {
  for (const actor in clock) {
    const entry = clock[actor];
    if (entry === undefined) continue;
    if (entry.gaps !== undefined) {
      for (const gap of entry.gaps) freeze(gap);
      freeze(entry.gaps);
    }
    freeze(entry);
  }
  return freeze(clock);
}
