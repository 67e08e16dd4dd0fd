/**
 * The bench's storage options: `--storage memory|lmdb`, `--data-dir D`, `--durability
 * commit|flush` and `--keep-data`. Kept apart from args.ts, which parses everything else the
 * same way: pure, nothing printed, a BenchArgsError for every mistake.
 */
import { BenchArgsError } from './bench-args-error.js';

/** How a durable node acknowledges a write (the engine's `storage.durability`). */
export type BenchDurability = 'commit' | 'flush';

/** Where the bench's clusters keep their data. */
export type BenchStorage =
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'lmdb';
      readonly durability: BenchDurability;
      /**
       * The directory in which each cluster gets a new subdirectory of its own; undefined: a
       * new temporary directory under the system's (os.tmpdir()) for each cluster.
       */
      readonly dataDir: string | undefined;
      /** Leave each cluster's directory in place after its run instead of removing it. */
      readonly keepData: boolean;
    };

export const MEMORY_STORAGE: BenchStorage = { kind: 'memory' };

const STORAGE_KINDS = ['memory', 'lmdb'] as const;
const DURABILITIES = ['commit', 'flush'] as const;

/** The options' definitions, for the parser's `.options()`. */
export const STORAGE_OPTIONS = {
  storage: {
    describe:
      'where the nodes keep their data: "memory", or "lmdb" (an LMDB environment per node; a node acknowledges a write once it is committed, see --durability); for a run, --suite and --ycsb alike',
    requiresArg: true,
    type: 'string',
    default: 'memory',
  },
  'data-dir': {
    describe:
      'with --storage lmdb: each cluster gets a new, empty subdirectory of this directory (made if missing), removed after its run unless --keep-data (an interrupted bench leaves it); old data is never reused. Without it, each cluster gets a new temporary directory in the system\'s (os.tmpdir()); the report names it',
    requiresArg: true,
    type: 'string',
    defaultDescription: 'a temporary directory',
  },
  durability: {
    describe: 'with --storage lmdb: when a node acknowledges a write: "commit" (it survives the process being killed) or "flush" (also on disk: it survives losing power; a disk sync per batch of writes)',
    requiresArg: true,
    type: 'string',
    defaultDescription: 'commit',
  },
  'keep-data': {
    describe: 'with --storage lmdb: leave each cluster\'s data directory in place after its run (the report names it)',
    type: 'boolean',
    default: false,
  },
} as const;

/**
 * The storage of a command line in `mode` (run, suite, ycsb, charts), from what the parser
 * read: memory unless --storage lmdb, and the other options only beside that.
 */
export function storageOf(raw: Record<string, unknown>, mode: string): BenchStorage {
  const kind = raw['storage'] ?? 'memory';
  if (!(STORAGE_KINDS as readonly unknown[]).includes(kind)) {
    throw new BenchArgsError(`--storage must be "memory" or "lmdb", got ${JSON.stringify(kind)}`);
  }
  const durability = raw['durability'];
  if (durability !== undefined && !(DURABILITIES as readonly unknown[]).includes(durability)) {
    throw new BenchArgsError(`--durability must be "commit" or "flush", got ${JSON.stringify(durability)}`);
  }
  const dataDir = raw['data-dir'];
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.trim() === '')) throw new BenchArgsError('--data-dir needs a non-empty path');
  const keepData = raw['keep-data'] === true;
  const durableOnly = [dataDir !== undefined && '--data-dir', durability !== undefined && '--durability', keepData && '--keep-data'].filter((flag) => flag !== false);
  if (mode === 'charts' && (kind === 'lmdb' || durableOnly.length > 0)) {
    throw new BenchArgsError(`${[kind === 'lmdb' && '--storage lmdb', ...durableOnly].filter((flag) => flag !== false).join(', ')}: --charts re-renders existing logs and runs no cluster`);
  }
  if (kind === 'memory') {
    if (durableOnly.length > 0) {
      throw new BenchArgsError(`${durableOnly.join(' and ')} ${durableOnly.length > 1 ? 'apply' : 'applies'} to durable nodes only: add --storage lmdb, or leave ${durableOnly.length > 1 ? 'them' : 'it'} out to run in memory`);
    }
    return MEMORY_STORAGE;
  }
  return { kind: 'lmdb', durability: (durability as BenchDurability | undefined) ?? 'commit', dataDir: dataDir as string | undefined, keepData };
}
