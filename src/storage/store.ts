/**
 * The storage interface a node's core reads and writes synchronously, like the Storage
 * interface of etcd's raft: the core needs a key's versions inside one step, and the host
 * decides what backs it (memory by default; a durable engine plugs in behind the same calls).
 */
export interface KeyValueStore<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  delete(key: string): boolean;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, T]>;
  readonly size: number;
}

/** The in-memory default: a Map. Its contents die with the worker. */
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
