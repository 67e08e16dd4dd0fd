/**
 * The `storage` option of `Cluster.start`: where the nodes keep their data. Memory by default;
 * `{ kind: 'lmdb', dir }` gives each node its own LMDB environment under `dir/<node id>`, which
 * a node stopped and started again, or a new process on the same directory, comes back with.
 */
import { resolve } from 'node:path';
import type { ClusterStorage, Durability } from '../runtime/data-dir.js';
import { invalidArgument } from './errors.js';

export type StorageOption =
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'lmdb';
      /** The cluster's directory: created when missing; must be empty or this cluster's. */
      readonly dir: string;
      /**
       * When a node acknowledges a write: once it is committed (`commit`, the default: it
       * survives the process being killed), or once it is also flushed to disk (`flush`: it
       * survives the machine losing power too, and costs a disk sync per batch of writes).
       */
      readonly durability?: Durability;
    };

const FIELDS: Readonly<Record<string, readonly string[]>> = { memory: ['kind'], lmdb: ['kind', 'dir', 'durability'] };

/** Checks the option; undefined for memory. */
export function resolveStorage(value: unknown): ClusterStorage | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument("storage must be an object: { kind: 'memory' } or { kind: 'lmdb', dir }");
  const option = value as Record<string, unknown>;
  const kind = option['kind'];
  const fields = typeof kind === 'string' ? FIELDS[kind] : undefined;
  if (fields === undefined) throw invalidArgument(`storage.kind must be 'memory' or 'lmdb', got ${JSON.stringify(kind)}`);
  for (const name of Object.keys(option)) {
    if (!fields.includes(name)) throw invalidArgument(`unknown option 'storage.${name}' for storage of kind '${String(kind)}'; known: ${fields.join(', ')}`);
  }
  if (kind === 'memory') return undefined;
  const dir = option['dir'];
  if (typeof dir !== 'string' || dir.trim() === '') throw invalidArgument(`storage.dir must be a directory path, got ${JSON.stringify(dir)}`);
  const durability = option['durability'] ?? 'commit';
  if (durability !== 'commit' && durability !== 'flush') throw invalidArgument(`storage.durability must be 'commit' or 'flush', got ${JSON.stringify(durability)}`);
  return { dir: resolve(dir), durability };
}
