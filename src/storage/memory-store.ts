/**
 * The in-memory store: a Map behind the core's storage interface. Its contents die with the
 * worker, which is what stopping an in-memory node means.
 */
import type { KeyValueStore } from '../core/storage.js';

export class MemoryStore<T> implements KeyValueStore<T> {
  private readonly map = new Map<string, T>();

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  set(key: string, value: T): void {
    this.map.set(key, value);
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  entries(): IterableIterator<[string, T]> {
    return this.map.entries();
  }

  get size(): number {
    return this.map.size;
  }
}
