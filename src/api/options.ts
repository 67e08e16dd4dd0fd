/**
 * The options of `Cluster.start` and of each request, checked with messages that name the
 * field at fault.
 */
import type { CoordinationMode } from '../core/client.js';
import { DEFAULT_TUNING, type EngineTuning } from '../core/config.js';
import { invalidArgument } from './errors.js';
import type { NodeThreads } from './node-threads.js';
import { resolveStorage, type StorageOption } from './storage-option.js';
import type { ClusterStorage } from '../runtime/data-dir.js';

/** Options of `Cluster.start`; every field has a default. */
export interface ClusterOptions {
  /** Physical nodes, one worker thread each (default 5). */
  readonly nodes?: number;
  /** Replicas per key (default 3). */
  readonly n?: number;
  /** Default read quorum (default 2). */
  readonly r?: number;
  /** Default write quorum (default 2). */
  readonly w?: number;
  /** Virtual nodes per physical node (default 10). */
  readonly vnodes?: number;
  /** Who coordinates requests: the nodes (`node`, the default) or the client library (`client`). */
  readonly coordination?: CoordinationMode;
  /** Default time budget of a request (default 1000 ms). */
  readonly requestTimeoutMs?: number;
  /** Time one replica may take before a fallback replaces it (default 300 ms). */
  readonly replicaTimeoutMs?: number;
  /** How long a get waits for stragglers before read repair (default 50 ms). */
  readonly readRepairWindowMs?: number;
  /** Largest value accepted, as serialized by structured clone (default 1 MiB). */
  readonly maxValueBytes?: number;
  /** Contexts handed out keep at most this many actors, beyond those of the versions read (default 10). */
  readonly clockPruneAt?: number;
  /** How old a deleted key's tombstone must be before every node lets it go (default 30 s). */
  readonly tombstoneGraceMs?: number;
  /** How often each node starts Merkle-tree anti-entropy exchanges (§4.7); 0 turns it off (default 1000 ms). */
  readonly antiEntropyIntervalMs?: number;
  /** Where the nodes keep their data: memory (the default), or LMDB under `dir` (see StorageOption). */
  readonly storage?: StorageOption;
  /** Worker threads to take the nodes' from, and to hand them back to on `stop()` (see NodeThreads); default: threads of its own. */
  readonly threads?: NodeThreads;
}

export interface ResolvedClusterOptions {
  readonly nodes: number;
  readonly coordination: CoordinationMode;
  readonly maxValueBytes: number;
  readonly tuning: EngineTuning;
  /** Undefined: in memory. */
  readonly storage: ClusterStorage | undefined;
}

const KNOWN = new Set([
  'nodes', 'n', 'r', 'w', 'vnodes', 'coordination', 'requestTimeoutMs', 'replicaTimeoutMs',
  'readRepairWindowMs', 'maxValueBytes', 'clockPruneAt', 'tombstoneGraceMs', 'antiEntropyIntervalMs', 'threads', 'storage',
]);

export const DEFAULT_NODES = 5;
/** One worker thread per node: more than this is a mistake, not a cluster. */
export const MAX_NODES = 256;
/** Node's timers hold at most 2^31-1 ms; an hour is beyond any sensible request. */
export const MAX_TIMEOUT_MS = 3_600_000;
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

/** Checks `Cluster.start`'s options and fills in the defaults. */
export function resolveClusterOptions(input: ClusterOptions | undefined): ResolvedClusterOptions {
  const options = optionsObject(input, KNOWN, 'Cluster.start');
  const nodes = integer(options, 'nodes', DEFAULT_NODES, 1, MAX_NODES);
  const n = integer(options, 'n', Math.min(DEFAULT_TUNING.n, nodes), 1);
  if (n > nodes) throw invalidArgument(`n (${n}) must not exceed nodes (${nodes})`);
  const r = integer(options, 'r', Math.min(DEFAULT_TUNING.r, n), 1);
  const w = integer(options, 'w', Math.min(DEFAULT_TUNING.w, n), 1);
  if (r > n) throw invalidArgument(`r (${r}) must not exceed n (${n})`);
  if (w > n) throw invalidArgument(`w (${w}) must not exceed n (${n})`);
  const coordination = options.coordination ?? 'node';
  if (coordination !== 'node' && coordination !== 'client') {
    throw invalidArgument(`coordination must be 'node' or 'client', got ${JSON.stringify(coordination)}`);
  }
  const tuning: EngineTuning = {
    ...DEFAULT_TUNING,
    n,
    r,
    w,
    vnodes: integer(options, 'vnodes', DEFAULT_TUNING.vnodes, 1, 4096),
    requestTimeoutMs: integer(options, 'requestTimeoutMs', DEFAULT_TUNING.requestTimeoutMs, 1, MAX_TIMEOUT_MS),
    replicaTimeoutMs: integer(options, 'replicaTimeoutMs', DEFAULT_TUNING.replicaTimeoutMs, 1, MAX_TIMEOUT_MS),
    readRepairWindowMs: integer(options, 'readRepairWindowMs', DEFAULT_TUNING.readRepairWindowMs, 0, MAX_TIMEOUT_MS),
    clockPruneAt: integer(options, 'clockPruneAt', DEFAULT_TUNING.clockPruneAt, 1, 1000),
    tombstoneGraceMs: integer(options, 'tombstoneGraceMs', DEFAULT_TUNING.tombstoneGraceMs, 1, MAX_TIMEOUT_MS),
    antiEntropyIntervalMs: integer(options, 'antiEntropyIntervalMs', DEFAULT_TUNING.antiEntropyIntervalMs, 0, MAX_TIMEOUT_MS),
  };
  // A request, or a repair it sends, older than the grace period could bring a reaped delete back.
  if (tuning.tombstoneGraceMs <= tuning.requestTimeoutMs) {
    throw invalidArgument(`tombstoneGraceMs (${tuning.tombstoneGraceMs}) must be longer than requestTimeoutMs (${tuning.requestTimeoutMs})`);
  }
  const maxValueBytes = integer(options, 'maxValueBytes', DEFAULT_MAX_VALUE_BYTES, 1, 512 * 1024 * 1024);
  return { nodes, coordination, maxValueBytes, tuning, storage: resolveStorage(options.storage) };
}

/**
 * The options object of a call: undefined or null mean none; anything but a plain object, or
 * a field the call does not know (a typo would otherwise be ignored), is refused.
 */
export function optionsObject(input: unknown, known: ReadonlySet<string>, call: string): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw invalidArgument(`${call} options must be an object, got ${describe(input)}`);
  const options: Record<string, unknown> = { ...input };
  for (const name of Object.keys(options)) {
    if (!known.has(name)) throw invalidArgument(`unknown option '${name}' for ${call}; known: ${[...known].join(', ')}`);
  }
  return options;
}

/** Checks a per-request quorum override against N. */
export function quorumOption(value: unknown, name: 'r' | 'w', fallback: number, n: number): number {
  if (value === undefined) return fallback;
  const q = integer({ [name]: value }, name, fallback, 1);
  if (q > n) throw invalidArgument(`${name} (${q}) must not exceed n (${n})`);
  return q;
}

/** Checks a per-request timeout. */
export function timeoutOption(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return integer({ timeoutMs: value }, 'timeoutMs', fallback, 1, MAX_TIMEOUT_MS);
}

function integer(options: Record<string, unknown>, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidArgument(`${name} must be an integer, got ${describe(value)}`);
  if (value < min) throw invalidArgument(`${name} must be at least ${min}, got ${value}`);
  if (value > max) throw invalidArgument(`${name} must be at most ${max}, got ${value}`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'function' ? 'a function' : String(value);
}
