/**
 * Where each cluster the bench starts keeps its data. In memory there is nothing to do. On
 * LMDB every cluster gets a directory of its own, made new and empty for it: a benchmark must
 * start empty, and data left by an earlier run (or another program) would both change what
 * is measured and be refused by the cluster, whose directory must be empty or its own. The
 * bench removes only what it made, after the cluster has stopped (its environments closed),
 * unless --keep-data; an interrupted bench leaves its directory behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ClusterOptions } from '../src/index.js';
import { BenchArgsError } from './bench-args-error.js';
import { DirectoryError, makeDirectory } from './make-directory.js';
import { missingPackages, missingPackagesMessage, readPackageManifest } from './packages.js';
import type { BenchDurability, BenchStorage } from './storage-args.js';

/** A run's storage, as its JSON summary records it. */
export interface StorageSummary {
  readonly kind: BenchStorage['kind'];
  /** When a node acknowledges a write; null in memory. */
  readonly durability: BenchDurability | null;
  /** The cluster's data directory, absolute; null in memory. */
  readonly dir: string | null;
  /** Whether `dir` is a new temporary directory under the system's (no --data-dir given). */
  readonly temporary: boolean;
  /** Whether `dir` is left in place after the run (--keep-data). */
  readonly kept: boolean;
}

export const MEMORY_SUMMARY: StorageSummary = { kind: 'memory', durability: null, dir: null, temporary: false, kept: false };

/** The data of one cluster: what to start it with, and what to do once it has stopped. */
export interface ClusterData {
  readonly summary: StorageSummary;
  /** Cluster.start's `storage` (undefined: memory, the engine's default). */
  readonly option: ClusterOptions['storage'];
  /** Removes the directory, unless it is kept; call it once the cluster has stopped. */
  release(): Promise<void>;
}

const IN_MEMORY: ClusterData = { summary: MEMORY_SUMMARY, option: undefined, release: () => Promise.resolve() };
/** The names of the directories the bench makes, so that a user can tell them from others. */
const TEMPORARY_PREFIX = 'dynamo-bench-lmdb-';
const CLUSTER_PREFIX = 'cluster-';

/**
 * A new, empty directory for the next cluster: under --data-dir (made if missing), or a new
 * temporary one. Throws BenchArgsError (exit 2) when lmdb is not installed or the directory
 * cannot be made, before anything is measured.
 */
export async function freshClusterData(storage: BenchStorage): Promise<ClusterData> {
  if (storage.kind === 'memory') return IN_MEMORY;
  const missing = missingPackages(['lmdb']);
  if (missing.length > 0) throw new BenchArgsError(`--storage lmdb: ${missingPackagesMessage(missing, readPackageManifest(import.meta.url))}`);
  const temporary = storage.dataDir === undefined;
  const dir = temporary ? await newTemporaryDir() : await newSubdirectory(storage.dataDir ?? '');
  const { durability, keepData: kept } = storage;
  return {
    summary: { kind: 'lmdb', durability, dir, temporary, kept },
    option: { kind: 'lmdb', dir, durability },
    release: async () => {
      if (!kept) await rm(dir, { recursive: true, force: true, maxRetries: 2 });
    },
  };
}

async function newTemporaryDir(): Promise<string> {
  const parent = tmpdir();
  try {
    return await mkdtemp(join(parent, TEMPORARY_PREFIX));
  } catch (error) {
    throw new BenchArgsError(`--storage lmdb: cannot make a temporary data directory in ${parent} (${codeOf(error)}): give --data-dir DIR`, { cause: error });
  }
}

async function newSubdirectory(dataDir: string): Promise<string> {
  const parent = resolve(dataDir);
  try {
    await makeDirectory(parent);
    return await mkdtemp(join(parent, CLUSTER_PREFIX));
  } catch (error) {
    const why = error instanceof DirectoryError ? error.message : `cannot make a directory in it (${codeOf(error)})`;
    throw new BenchArgsError(`--data-dir ${dataDir} cannot hold the clusters' data: ${why}`, { cause: error });
  }
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : String(error);
}

/** How the human reports describe it: one line. */
export function describeStorage(storage: StorageSummary): string {
  if (storage.kind === 'memory' || storage.dir === null) return 'storage: memory';
  const where = storage.temporary ? `in a new temporary directory, ${storage.dir}` : `in ${storage.dir}`;
  const after = storage.kept ? 'kept after the run (--keep-data)' : 'removed after the run';
  return `storage: lmdb, durability ${storage.durability ?? 'commit'}, ${where}, ${after}`;
}

/** The storage of all of a bench's clusters (the suite's), as suite.json records it. */
export interface StorageSetting {
  readonly kind: BenchStorage['kind'];
  readonly durability: BenchDurability | null;
  /** Where each cluster had a new directory of its own: --data-dir, absolute; null for new temporary ones (or memory). */
  readonly data_dir: string | null;
  readonly kept: boolean;
}

export function storageSetting(storage: BenchStorage): StorageSetting {
  if (storage.kind === 'memory') return { kind: 'memory', durability: null, data_dir: null, kept: false };
  return { kind: 'lmdb', durability: storage.durability, data_dir: storage.dataDir === undefined ? null : resolve(storage.dataDir), kept: storage.keepData };
}

/** The suite's report line for it. */
export function describeStorageSetting(setting: StorageSetting): string {
  if (setting.kind === 'memory') return 'storage: memory';
  const where = setting.data_dir === null ? 'a new temporary directory each' : `a new directory each in ${setting.data_dir}`;
  return `storage: lmdb, durability ${setting.durability ?? 'commit'}, ${where}, ${setting.kept ? 'kept after the runs (--keep-data)' : 'removed once the cluster stopped'}`;
}
