/**
 * The storage the core reads and writes synchronously inside a step, defined here as etcd's
 * raft defines its Storage: the core needs a key's versions while it handles one input, and
 * the host decides what backs it (src/storage: memory by default; a durable engine plugs in
 * behind the same calls).
 */
export interface KeyValueStore<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  delete(key: string): boolean;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, T]>;
  readonly size: number;
}
