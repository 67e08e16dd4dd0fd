/**
 * Where the floor puts each key: N distinct nodes, the first one the key's coordinator. The
 * engine's ring (consistent hashing over virtual nodes) is Dynamo logic and stays out; what
 * the floor keeps is its result, N distinct replicas per key spread over the nodes. The lists
 * are computed once per run and looked up per request, as the engine may cache a key's
 * preference list too.
 */

/** 32-bit FNV-1a of a string's UTF-16 code units: cheap, and spreads `key0..keyN` well. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The key's replicas: hash mod nodes, then the next n-1 nodes around the circle. */
export function replicasOf(key: string, nodes: number, n: number): number[] {
  if (!Number.isSafeInteger(nodes) || nodes < 1) throw new RangeError(`nodes must be an integer >= 1, got ${nodes}`);
  if (!Number.isSafeInteger(n) || n < 1 || n > nodes) throw new RangeError(`n must be an integer in 1..${nodes}, got ${n}`);
  const first = fnv1a(key) % nodes;
  return Array.from({ length: n }, (_, i) => (first + i) % nodes);
}
