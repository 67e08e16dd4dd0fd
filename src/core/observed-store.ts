/**
 * A store that reports every change made through it: how a node's anti-entropy trees see each
 * set and delete of its data, whichever behaviour made it (a write, read repair, hinted or
 * membership handoff, anti-entropy itself), without those behaviours knowing.
 */
import type { KeyValueStore } from './storage.js';

export class ObservedStore<T> implements KeyValueStore<T> {
  constructor(
    private readonly inner: KeyValueStore<T>,
    /** Called after `key` was set to `value`, or deleted (undefined). */
    private readonly changed: (key: string, value: T | undefined) => void,
  ) {}

  get(key: string): T | undefined {
    return this.inner.get(key);
  }

  set(key: string, value: T): void {
    this.inner.set(key, value);
    this.changed(key, value);
  }

  delete(key: string): boolean {
    const deleted = this.inner.delete(key);
    if (deleted) this.changed(key, undefined);
    return deleted;
  }

  keys(): IterableIterator<string> {
    return this.inner.keys();
  }

  entries(): IterableIterator<[string, T]> {
    return this.inner.entries();
  }

  get size(): number {
    return this.inner.size;
  }
}
