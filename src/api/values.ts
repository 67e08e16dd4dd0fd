/**
 * Checks of what callers hand the API: keys, values, contexts, abort signals. Each returns
 * what the engine keeps (a copy where a caller could still change or break the original) or
 * throws a DynamoError naming what is wrong.
 */
import { deserialize, serialize } from 'node:v8';
import { forEachEntry } from '../core/causal-context.js';
import type { CausalContext } from '../protocol/data.js';
import { copyContext } from '../protocol/guards.js';
import { DynamoError, DynamoErrorCode, invalidArgument } from './errors.js';

/** Longest key accepted, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 4096;

export function checkKey(key: unknown): string {
  if (typeof key !== 'string') throw invalidArgument(`key must be a string, got ${typeof key}`);
  if (key.length === 0) throw invalidArgument('key must not be empty');
  if (key.length > MAX_KEY_LENGTH) throw invalidArgument(`key is ${key.length} characters long; the limit is ${MAX_KEY_LENGTH}`);
  return key;
}

/** Serialized size bound of a string: two bytes per UTF-16 unit, plus header and length. */
const stringBoundBytes = (text: string): number => 2 * text.length + 16;

/**
 * Checks a value and returns the copy that gets stored: its size as structured clone
 * serializes it must fit `maxValueBytes`, and it must be cloneable. An object is copied now,
 * because it is sent later (batched, and again to replacement replicas): a caller changing
 * it after `put` returned must change neither what is stored nor whether it can be sent.
 */
export function snapshotValue(value: unknown, maxValueBytes: number): unknown {
  // Fast path for what most values are: strings and scalars are immutable, and one well
  // under the limit needs no serialization to know that it fits.
  if (typeof value === 'string' && stringBoundBytes(value) <= maxValueBytes) return value;
  if ((typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) && maxValueBytes >= 16) return value;
  let bytes: Buffer;
  let copy: unknown;
  try {
    bytes = serialize(value);
    // Reading it back is part of the check: a value nested too deeply serializes but
    // overflows the stack when it is read, here or in a node.
    copy = typeof value === 'object' && bytes.byteLength <= maxValueBytes ? deserialize(bytes) : value;
  } catch (err) {
    const reason = err instanceof RangeError ? 'it is nested too deeply' : (err as Error).message;
    throw new DynamoError(DynamoErrorCode.InvalidArgument, `value cannot be stored: ${reason}`, { cause: err });
  }
  if (bytes.byteLength > maxValueBytes) {
    throw new DynamoError(DynamoErrorCode.ValueTooLarge, `value is ${bytes.byteLength} bytes serialized; maxValueBytes is ${maxValueBytes}`);
  }
  return copy;
}

export const OTHER_KEY_CONTEXT = 'context was handed out for another key or by another cluster; pass the context returned for this key';

/** Counters far beyond any real history: one more write must still be a safe integer. */
const MAX_COUNTER = 2 ** 48;
/** Actors plus gap ranges: far above any context the engine hands out (clockPruneAt <= 1000). */
const MAX_CONTEXT_ENTRIES = 100_000;

/**
 * A clean copy of a context a caller handed back for a write of one key: only the fields a
 * context has, so nothing it carries can fail to reach a node, and only a context handed out
 * for this very key by this very cluster (`issuedFor`, see Cluster): one from another key or
 * another cluster would claim write events this key never saw, and a later write that really
 * made them would be taken for one already superseded. The tag goes no further than here.
 */
export function checkContext(context: unknown, issuedFor: string): CausalContext | undefined {
  if (context === undefined) return undefined;
  const invalid = (): DynamoError => invalidArgument('context must be a context returned by get, put or delete');
  if (typeof context !== 'object' || context === null) throw invalid();
  const { issuedFor: tag, ...rest } = context as Record<string, unknown>;
  const copy = copyContext(rest);
  if (copy === undefined || typeof tag !== 'string') throw invalid();
  if (tag !== issuedFor) throw invalidArgument(OTHER_KEY_CONTEXT);
  let entries = 0;
  forEachEntry(copy.clock, (_actor, entry) => {
    entries += 1 + (entry.gaps?.length ?? 0);
    if (entry.counter > MAX_COUNTER) throw invalidArgument('context holds counters no write produced; pass a context returned by get, put or delete');
  });
  if (entries > MAX_CONTEXT_ENTRIES) throw invalidArgument(`context holds ${entries} entries, more than any context the engine hands out; pass a context returned by get, put or delete`);
  return copy;
}

export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw invalidArgument('signal must be an AbortSignal');
  if (signal.aborted) throw aborted();
  return signal;
}

/** Rejects with ABORTED when the signal fires first; the operation itself is not undone. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function aborted(): DynamoError {
  return new DynamoError(DynamoErrorCode.Aborted, 'the request was aborted by its signal');
}
