/**
 * The simulator's agenda: events ordered by virtual time, ties by insertion order, so a run
 * is a pure function of its seed. A binary heap keeps each step O(log n).
 */
interface SimEvent {
  readonly id: number;
  readonly atMs: number;
  readonly run: () => void;
}

export class EventQueue {
  private readonly heap: SimEvent[] = [];
  private readonly cancelled = new Set<number>();
  private nextId = 1;

  get size(): number {
    return this.heap.length - this.cancelled.size;
  }

  /** Schedules `run` at `atMs`; returns an id for cancel. */
  push(atMs: number, run: () => void): number {
    const event = { id: this.nextId++, atMs, run };
    this.heap.push(event);
    this.up(this.heap.length - 1);
    return event.id;
  }

  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** The earliest event due at or before `limitMs`, removed from the queue. */
  popUntil(limitMs: number): SimEvent | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.atMs > limitMs) return undefined;
      this.removeTop();
      if (this.cancelled.delete(top.id)) continue;
      return top;
    }
  }

  private removeTop(): void {
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    if (!a || !b) return false;
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.id < b.id);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i];
    const b = this.heap[j];
    if (!a || !b) return;
    this.heap[i] = b;
    this.heap[j] = a;
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.less(left, smallest)) smallest = left;
      if (right < this.heap.length && this.less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
