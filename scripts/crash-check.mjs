// The crash test's checker (scripts/crash-test.mjs): what the parent learnt from its children
// (acknowledged writes, what each start read back, each node's boot count) and what is wrong
// with it. It knows nothing of processes, so a test can feed it records of its own and see it
// fail.
//
// Every value the crash test writes is { cycle, seq }: the child of cycle `cycle` issued it as
// its `seq`-th write. A key is written by one writer at a time, each write with the context of
// the one before (or of the read that began the child's run), so the writes of a key form one
// chain in issue order, and a write issued later covers every acknowledged one before it. The
// last acknowledged write of a key is therefore lost only if the read finds neither it nor any
// write issued after it (one that was in flight when the child was killed may have superseded
// it, and is allowed to).

/** `a` was issued after `b` (or is it): both are { cycle, seq }. */
function issuedNoEarlier(a, b) {
  return a.cycle > b.cycle || (a.cycle === b.cycle && a.seq >= b.seq);
}

/** A value the crash test wrote: { cycle, seq }, positive integers. */
export function isCrashValue(value) {
  return typeof value === 'object' && value !== null && Number.isInteger(value.cycle) && Number.isInteger(value.seq) && value.cycle > 0 && value.seq > 0;
}

const show = (value) => JSON.stringify(value);

export class CrashChecker {
  /** Per key, the last acknowledged write: { cycle, value, dot }. */
  #lastAck = new Map();
  /** Per key, actor and counter: the value that dot named when first seen. */
  #dotValues = new Map();
  /** Actors seen by any earlier start (its acknowledged writes, or versions and clocks read back). */
  #actorsBefore = new Set();
  /** Actors of the acknowledged writes of the start under way. */
  #actorsNow = new Set();
  #cycle = 0;
  /** Everything wrong, in the order found: { kind, cycle, key?, message }. */
  problems = [];
  /**
   * Writes acknowledged; keys read back; of those with an acknowledged write, the keys whose
   * last acknowledged value was read, and those where a write issued after it had superseded it.
   */
  counts = { acknowledged: 0, reads: 0, readExactly: 0, superseded: 0 };

  /** A child starts on the directory: the `start`-th on it (1 for the first). */
  beginStart(start) {
    for (const actor of this.#actorsNow) this.#actorsBefore.add(actor);
    this.#actorsNow.clear();
    this.#cycle = start;
  }

  /** Each node's boot count as the child's stats showed it: `start` on every node, as every start counts one. */
  checkBoots(boots) {
    for (const [node, boot] of Object.entries(boots)) {
      if (boot !== this.#cycle) this.#problem('boot', undefined, `${node} reports boot ${show(boot)} at start ${this.#cycle} on this directory: its boot count was not kept`);
    }
  }

  /**
   * What a start read back for `key` before writing: `values` (a get at R = N), `versions`
   * (every version any node holds, with its dot, from inspect) and `actors` (those of the read's
   * context). Checks the key's last acknowledged write and every dot against those seen before.
   */
  checkRead({ key, values, versions, actors }) {
    this.counts.reads++;
    for (const value of values) {
      // Reads come before the start's own writes: a value of this start or a later one is foreign too.
      if (!isCrashValue(value) || value.cycle >= this.#cycle) this.#problem('foreign-value', key, `read ${show(value)} at start ${this.#cycle}, which no earlier writer of this test wrote`);
    }
    for (const { value, dot } of versions) {
      this.#recordDot(key, dot, value);
      this.#actorsBefore.add(dot.actor);
    }
    for (const actor of actors) this.#actorsBefore.add(actor);
    const last = this.#lastAck.get(key);
    if (last === undefined) return;
    const written = values.filter(isCrashValue);
    if (written.some((v) => v.cycle === last.value.cycle && v.seq === last.value.seq)) {
      this.counts.readExactly++;
    } else if (written.some((v) => issuedNoEarlier(v, last.value))) {
      this.counts.superseded++;
    } else {
      this.#problem('lost', key, `acknowledged ${show(last.value)} (dot ${last.dot.actor}:${last.dot.counter}, start ${last.cycle}), read back ${show(values)} at R = N`);
    }
  }

  /** A write the child reported once its put had resolved: { key, value, dot } (dot null when the child could not tell it). */
  recordAck({ key, value, dot }) {
    this.counts.acknowledged++;
    if (dot === null || typeof dot?.actor !== 'string' || !Number.isInteger(dot.counter)) {
      this.#problem('unknown-dot', key, `the put of ${show(value)} returned a context that does not show one new dot`);
      return;
    }
    if (this.#actorsBefore.has(dot.actor)) {
      this.#problem('reused-actor', key, `start ${this.#cycle} wrote ${show(value)} as ${dot.actor}:${dot.counter}, an actor an earlier start already used`);
    }
    this.#actorsNow.add(dot.actor);
    this.#recordDot(key, dot, value);
    const last = this.#lastAck.get(key);
    if (last === undefined || issuedNoEarlier(value, last.value)) this.#lastAck.set(key, { cycle: this.#cycle, value, dot });
  }

  /** Keys with an acknowledged write so far. */
  get keysAcknowledged() {
    return this.#lastAck.size;
  }

  /** A failure of the run itself (a child that would not start, a read that timed out). */
  fail(message) {
    this.#problem('run', undefined, message);
  }

  #recordDot(key, dot, value) {
    const id = `${key}\u0000${dot.actor}\u0000${dot.counter}`;
    const named = this.#dotValues.get(id);
    if (named === undefined) this.#dotValues.set(id, show(value));
    else if (named !== show(value)) this.#problem('dot-collision', key, `dot ${dot.actor}:${dot.counter} names ${named} and ${show(value)}`);
  }

  #problem(kind, key, message) {
    this.problems.push({ kind, cycle: this.#cycle, ...(key === undefined ? {} : { key }), message });
  }
}
