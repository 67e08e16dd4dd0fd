/**
 * Checks of what callers hand the API: keys, values, contexts, abort signals.
 */
import { deserialize, serialize } from 'node:v8';
import type { CausalContext } from '../core/causal-context.js';
import { isCausalContext } from '../protocol/guards.js';
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
  try {
    bytes = serialize(value);
  } catch (err) {
    throw new DynamoError(DynamoErrorCode.InvalidArgument, `value cannot be stored: ${(err as Error).message}`, { cause: err });
  }
  if (bytes.byteLength > maxValueBytes) {
    throw new DynamoError(DynamoErrorCode.ValueTooLarge, `value is ${bytes.byteLength} bytes serialized; maxValueBytes is ${maxValueBytes}`);
  }
  return typeof value === 'object' ? deserialize(bytes) : value;
}

/** Counters far beyond any real history: one more write must still be a safe integer. */
const MAX_COUNTER = 2 ** 48;

export function checkContext(context: unknown): CausalContext | undefined {
  if (context === undefined) return undefined;
  if (!isCausalContext(context)) throw invalidArgument('context must be a context returned by get, put or delete');
  let highest = 0;
  for (const entry of Object.values(context.clock)) highest = Math.max(highest, entry.counter);
  for (const dot of context.dots) highest = Math.max(highest, dot.counter);
  if (highest > MAX_COUNTER) throw invalidArgument('context holds counters no write produced; pass a context returned by get, put or delete');
  return context;
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
