/**
 * A map from increasing integer ids to values, for what a host or the core keeps per request
 * or per timer: thousands added and removed a second, a few dozen or hundred alive at once.
 *
 * Why not a Map: V8 rehashes a Map's table as entries come and go, and the old table keeps a
 * pointer to the new one (for iterators that were walking it). Once a long-lived Map's table
 * has been promoted to the old generation, every later table, and every value any of them
 * held, stays reachable from dead old tables until the next full collection, so the young
 * collector copies and promotes nearly everything a request allocated. Measured on the client
 * thread at concurrency 64: about 40% of the young generation survived each scavenge, and
 * scavenges took a quarter of the thread (docs/PERFORMANCE.md, "Maps that churn").
 *
 * Here an id lives in the slot `id & mask` of two plain arrays, cleared when it is deleted, so
 * nothing dead points at anything young. Ids are expected to increase (each new one goes
 * where the id `capacity` before it was); an id still alive when a newer one needs its slot
 * moves to a small overflow Map, which only long-lived ids reach. When the overflow holds more
 * than a quarter of the capacity, the arrays double.
 */
/** Marks an empty slot; never an id (set takes only integers >= 0, lookups of others miss). */
const EMPTY = -1;

export class IdMap<V> {
  private ids: number[];
  private slots: (V | undefined)[];
  private mask: number;
  private readonly overflow = new Map<number, V>();
  private inSlots = 0;

  constructor(initialCapacity = 256) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(2, initialCapacity)));
    this.ids = new Array<number>(capacity).fill(EMPTY);
    this.slots = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.inSlots + this.overflow.size;
  }

  get(id: number): V | undefined {
    if (id === EMPTY) return undefined;
    const at = id & this.mask;
    return this.ids[at] === id ? this.slots[at] : this.overflow.get(id);
  }

  has(id: number): boolean {
    return id !== EMPTY && (this.ids[id & this.mask] === id || this.overflow.has(id));
  }

  set(id: number, value: V): void {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`an id must be an integer >= 0, got ${String(id)}`);
    const at = id & this.mask;
    const holder = this.ids[at] as number;
    if (holder === id) {
      this.slots[at] = value;
      return;
    }
    if (this.overflow.has(id)) {
      this.overflow.set(id, value);
      return;
    }
    if (holder !== EMPTY) {
      // An older id still alive: it moves aside for the newer one.
      this.overflow.set(holder, this.slots[at] as V);
      this.inSlots--;
    }
    this.ids[at] = id;
    this.slots[at] = value;
    this.inSlots++;
    if (this.overflow.size * 4 > this.ids.length) this.grow();
  }

  delete(id: number): boolean {
    if (id === EMPTY) return false;
    const at = id & this.mask;
    if (this.ids[at] !== id) return this.overflow.delete(id);
    this.ids[at] = EMPTY;
    this.slots[at] = undefined;
    this.inSlots--;
    return true;
  }

  /** The ids present, in no particular order (a copy). */
  keys(): number[] {
    const out: number[] = [];
    for (const id of this.ids) if (id !== EMPTY) out.push(id);
    for (const id of this.overflow.keys()) out.push(id);
    return out;
  }

  /** The values present, in no particular order (a copy). */
  values(): V[] {
    const out: V[] = [];
    for (let at = 0; at < this.ids.length; at++) if (this.ids[at] !== EMPTY) out.push(this.slots[at] as V);
    for (const value of this.overflow.values()) out.push(value);
    return out;
  }

  clear(): void {
    this.ids.fill(EMPTY);
    this.slots.fill(undefined);
    this.overflow.clear();
    this.inSlots = 0;
  }

  private grow(): void {
    const entries: [number, V][] = [];
    for (let at = 0; at < this.ids.length; at++) if (this.ids[at] !== EMPTY) entries.push([this.ids[at] as number, this.slots[at] as V]);
    for (const entry of this.overflow) entries.push(entry);
    const capacity = this.ids.length * 2;
    this.ids = new Array<number>(capacity).fill(EMPTY);
    this.slots = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.overflow.clear();
    this.inSlots = 0;
    // Oldest first, so that where two collide the newer one keeps the slot.
    entries.sort((a, b) => a[0] - b[0]);
    for (const [id, value] of entries) this.set(id, value);
  }
}
