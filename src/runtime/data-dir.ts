/**
 * A durable cluster's directory: a marker file that says whose it is, and a directory per
 * node (`<dir>/<node id>`, an LMDB environment each: src/storage/lmdb-stores.ts).
 *
 * The marker records what decides where keys live, N and the virtual nodes per node: data
 * written under other values sits on the wrong nodes for this cluster, so a cluster started
 * on a directory marked with others is refused, as is a directory that holds something else.
 * A lock file (data-dir-lock.ts) keeps a second cluster off a directory in use.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Durability } from '../storage/write-log.js';
import type { NodeStorage } from './control-api.js';
import { LOCK_FILE, lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { EngineError } from './engine-error.js';

export type { Durability } from '../storage/write-log.js';
export type { DataDirLock } from './data-dir-lock.js';

export interface ClusterStorage {
  /** An absolute path. */
  readonly dir: string;
  readonly durability: Durability;
}

/** What must match for a directory's data to be this cluster's. */
export interface RingShape {
  readonly n: number;
  readonly vnodes: number;
}

export const MARKER_FILE = 'dynamo-cluster.json';
const ENGINE = 'dynamo-workers';
const FORMAT = 1;

/** Where node `nodeId` of a cluster on `storage` keeps its data (undefined: in memory). */
export function nodeStorage(storage: ClusterStorage | undefined, nodeId: string): NodeStorage | undefined {
  return storage === undefined ? undefined : { kind: 'lmdb', path: join(storage.dir, nodeId), durability: storage.durability };
}

/**
 * Makes `dir` this cluster's, or checks that it is, and locks it for this cluster: creates it
 * and its marker when new or empty; throws a STORAGE EngineError naming the path and what to
 * do otherwise (holding no lock then). The caller releases the lock when the cluster stops.
 */
export function claimDataDir(dir: string, shape: RingShape): DataDirLock {
  let lock: DataDirLock | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
    checkOrMark(dir, shape);
    return lock;
  } catch (error) {
    lock?.release();
    if (error instanceof EngineError) throw error;
    const code = (error as { code?: unknown }).code;
    const what = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'give this process permission to write there, or use another directory' : code === 'ENOSPC' ? 'free space on that disk' : 'check that the path is a directory this process can write to';
    throw new EngineError('STORAGE', `${dir}: cannot use it as the cluster's data directory (${(error as Error).message}): ${what}`, { cause: error });
  }
}

function checkOrMark(dir: string, shape: RingShape): void {
  const marker = join(dir, MARKER_FILE);
  if (existsSync(marker)) {
    checkMarker(marker, readFileSync(marker, 'utf8'), shape);
    return;
  }
  // The lock is this cluster's own (a takeover's leftovers share its name's start).
  const present = readdirSync(dir).filter((name) => !name.startsWith(LOCK_FILE));
  if (present.length > 0) {
    throw new EngineError('STORAGE', `${dir} is not empty and holds no ${MARKER_FILE}: it is not a Dynamo cluster's directory (it has ${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}); give an empty or new directory`);
  }
  // Written whole, then renamed: a crash leaves no half-written marker.
  writeFileSync(`${marker}.tmp`, `${JSON.stringify({ engine: ENGINE, format: FORMAT, n: shape.n, vnodes: shape.vnodes }, null, 2)}\n`);
  renameSync(`${marker}.tmp`, marker);
}

function checkMarker(path: string, text: string, shape: RingShape): void {
  let recorded: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    recorded = parsed as Record<string, unknown>;
  } catch (error) {
    throw new EngineError('STORAGE', `${path} cannot be read (${(error as Error).message}): restore it, or give another directory`, { cause: error });
  }
  if (recorded['engine'] !== ENGINE || recorded['format'] !== FORMAT) {
    throw new EngineError('STORAGE', `${path} is not a marker of this engine's format ${FORMAT}: give another directory`);
  }
  if (recorded['n'] !== shape.n || recorded['vnodes'] !== shape.vnodes) {
    throw new EngineError(
      'STORAGE',
      `${path}: this directory holds a cluster with n=${String(recorded['n'])} and vnodes=${String(recorded['vnodes'])}, this one has n=${shape.n} and vnodes=${shape.vnodes}: start it with the same settings, or give another directory`,
    );
  }
}
