/**
 * A binary min-heap of timed entries, earliest `dueMs` first and, among equals, the one with
 * the lower `seq` (the one scheduled first). Both timer queues use it: the core's (effects.ts),
 * which keeps a machine's timers so its host needs only one, and the runtime's
 * (src/runtime/timer-queue.ts), which keeps a thread's host timers on one Node timer.
 *
 * Cancelled entries are not searched for: their owners mark them and they stay until they
 * reach the top (`dropWhile`) or a `compact` rebuilds the heap without them.
 */
export interface DueEntry {
  readonly dueMs: number;
  readonly seq: number;
}

/** Past this many entries, a heap mostly of cancelled ones is rebuilt from the live ones. */
const COMPACT_ABOVE = 1024;

export class DueHeap<E extends DueEntry> {
  private entries: E[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** The earliest entry, left in place. */
  peek(): E | undefined {
    return this.entries[0];
  }

  push(entry: E): void {
    const heap = this.entries;
    let at = heap.length;
    heap.push(entry);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!earlier(entry, heap[parent] as E)) break;
      heap[at] = heap[parent] as E;
      at = parent;
    }
    heap[at] = entry;
  }

  /** Removes and returns the earliest entry. */
  pop(): E | undefined {
    const heap = this.entries;
    const top = heap[0];
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return top;
    let at = 0;
    const size = heap.length;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && earlier(heap[right] as E, heap[left] as E) ? right : left;
      if (!earlier(heap[child] as E, last)) break;
      heap[at] = heap[child] as E;
      at = child;
    }
    heap[at] = last;
    return top;
  }

  /** Pops entries from the top while `drop` says so (the cancelled ones, to its owner). */
  dropWhile(drop: (entry: E) => boolean): void {
    for (let top = this.entries[0]; top !== undefined && drop(top); top = this.entries[0]) this.pop();
  }

  /**
   * After a cancel: when the heap is large and fewer than half its entries are `live`, it is
   * rebuilt from those `keep` accepts, so cancelled entries behind a live head cannot pile up.
   */
  compactIfSparse(live: number, keep: (entry: E) => boolean): void {
    if (this.entries.length <= COMPACT_ABOVE || live * 2 >= this.entries.length) return;
    const kept = this.entries.filter(keep);
    this.entries = [];
    for (const entry of kept) this.push(entry);
  }

  /** Empties the heap; returns what it held, in no particular order. */
  clear(): E[] {
    const held = this.entries;
    this.entries = [];
    return held;
  }
}

function earlier(a: DueEntry, b: DueEntry): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}
