/**
 * The causal context as the KV HTTP API carries it: opaque to the caller, base64url of the
 * context's JSON, in the `X-Dynamo-Context` header (Riak's X-Riak-Vclock). What comes back is
 * untrusted: it is decoded here and then checked by the cluster like any context a caller
 * hands in (shape, counters, and that it was issued for this key by this cluster).
 */
import type { Context } from '../api/cluster.js';
import { invalidArgument } from '../api/errors.js';

/** Far above any context the engine hands out (they are pruned to a few actors). */
export const MAX_CONTEXT_HEADER_BYTES = 64 * 1024;

export function encodeContext(context: Context): string {
  return Buffer.from(JSON.stringify(context), 'utf8').toString('base64url');
}

export function decodeContext(header: string): Context {
  if (header.length > MAX_CONTEXT_HEADER_BYTES) throw invalidArgument(`context: longer than ${MAX_CONTEXT_HEADER_BYTES} bytes; send back the context a read or write returned`);
  if (!/^[A-Za-z0-9_-]*$/.test(header)) throw invalidArgument('context: not base64url; send back the context a read or write returned');
  try {
    return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Context;
  } catch {
    throw invalidArgument('context: not a context this cluster handed out; send back the context a read or write returned');
  }
}
