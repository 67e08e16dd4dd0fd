/**
 * What the KV HTTP API and its client agree on: header names, and how values travel in JSON.
 * A value is a string, bytes (Uint8Array) or any JSON value; where the three must be told
 * apart in one JSON document (siblings, `--json` output) each is tagged: `{ text }`,
 * `{ base64 }` or `{ json }`. Bytes nested inside a JSON value become `{ base64 }`.
 */
import { assertNever } from '../core/assert.js';

/** Carries the opaque causal context: in the answer to every KV request, and in writes. */
export const CONTEXT_HEADER = 'X-Dynamo-Context';

/** A value tagged with its kind. */
export type WireValue = { readonly text: string } | { readonly base64: string } | { readonly json: unknown };

/** The body of a 300 Multiple Choices: every concurrent value. */
export interface SiblingsBody {
  readonly siblings: WireValue[];
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Tags a value with its kind. */
export function encodeValue(value: unknown): WireValue {
  if (typeof value === 'string') return { text: value };
  if (isBytes(value)) return { base64: toBase64(value) };
  // `undefined` has no JSON form; null is the nearest.
  return { json: value ?? null };
}

/**
 * JSON text of any value the engine may hold: bytes anywhere become `{ base64 }`, bigints
 * decimal strings, Maps arrays of [key, value] and Sets arrays; `undefined` alone is `null`.
 * Throws (a RangeError) only for a value nested too deeply to stringify.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, wireReplacer) ?? 'null';
}

function wireReplacer(this: unknown, key: string, value: unknown): unknown {
  // The holder's own property, before toJSON: a Buffer's toJSON would hide that it is bytes.
  const original = (this as Record<string, unknown>)[key];
  if (isBytes(original)) return { base64: toBase64(original) };
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return [...value.entries()];
  if (value instanceof Set) return [...value.values()];
  return value;
}

/** Reads a tagged value back; undefined when `raw` is not one. */
export function decodeWireValue(raw: unknown): DecodedValue | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const keys = Object.keys(raw);
  if (keys.length !== 1) return undefined;
  const record = raw as Record<string, unknown>;
  if (typeof record['text'] === 'string') return { kind: 'text', text: record['text'] };
  if (typeof record['base64'] === 'string') return { kind: 'bytes', bytes: new Uint8Array(Buffer.from(record['base64'], 'base64')) };
  if ('json' in record) return { kind: 'json', json: record['json'] };
  return undefined;
}

/** A value as the client hands it over: its kind says how it was (or is to be) sent. */
export type DecodedValue =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'json'; readonly json: unknown };

/** The tagged form of a decoded value (for `--json` output). */
export function wireOf(value: DecodedValue): WireValue {
  switch (value.kind) {
    case 'text':
      return { text: value.text };
    case 'bytes':
      return { base64: toBase64(value.bytes) };
    case 'json':
      return { json: value.json };
    default:
      return assertNever(value, 'value kind');
  }
}
