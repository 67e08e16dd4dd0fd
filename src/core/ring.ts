/**
 * The consistent-hash ring (paper §4.2, §4.3), immutable.
 *
 * Every physical node owns `vnodesPerNode` tokens (virtual nodes); token i of
 * node X sits at MD5(`X:i`) — the paper's strategy 1, "T random tokens per
 * node", made deterministic. A key lives at MD5(key); walking clockwise from
 * there, the distinct physical nodes met form its preference list: the first N
 * are its primary replicas, the rest are fallbacks for the sloppy quorum (§4.6).
 *
 * The hash is passed in (the core does no I/O and carries no crypto of its own):
 * the hosts give it node:crypto's MD5 as 32-character lowercase hex, which
 * compares with `<` exactly as the 128-bit number it spells.
 */

import { invariant } from './assert.js';

/** Text to a ring position: 32 lowercase hex digits (MD5, paper §4.2). */
export type RingHash = (text: string) => string;

/** One virtual node: a position on the ring and the physical node that owns it. */
interface Token {
  readonly position: string;
  readonly nodeId: string;
}

function compareTokens(a: Token, b: Token): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  // Equal positions (an MD5 collision, in practice never) break by node id so
  // that the order, and so every preference list, stays deterministic.
  if (a.nodeId !== b.nodeId) return a.nodeId < b.nodeId ? -1 : 1;
  return 0;
}

function tokensFor(nodeId: string, vnodesPerNode: number, hash: RingHash): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < vnodesPerNode; i++) tokens.push({ position: hash(`${nodeId}:${i}`), nodeId });
  return tokens;
}

/** Keys whose preference lists of one length a ring remembers. */
const KEYS_REMEMBERED = 16_384;

/** An immutable consistent-hash ring of physical nodes, each with `vnodesPerNode` tokens. */
export class Ring {
  /** Number of tokens (virtual nodes) each physical node owns. */
  readonly vnodesPerNode: number;
  /** Physical node ids, sorted, without duplicates. */
  readonly nodes: readonly string[];

  /** Node id to its index in `nodes`. */
  private readonly indexOfNode: ReadonlyMap<string, number>;
  /** `tokens[i].position`, kept apart so the binary search touches only strings. */
  private readonly positions: readonly string[];
  /** `tokens[i]`'s owner as an index into `nodes`, so the walk dedups with integers. */
  private readonly ownerIndex: Uint32Array;

  /**
   * Scratch for `preferenceList`'s "already taken" test: `seen[n] === stamp`
   * means node n is in the list being built. Bumping the stamp clears the set
   * in O(1), so the hot path allocates nothing but its result. This is the only
   * mutable state of the class; it is invisible from outside, and safe because
   * `preferenceList` is synchronous.
   */
  private readonly seen: Uint32Array;
  private stamp = 0;
  /**
   * The preference lists of recently asked keys, by length. A request asks for its key's list
   * several times over (routing, coordinating, the replicas' ownership checks); hashing the
   * key and walking the ring each time was a real share of a request's cost. A list handed
   * out twice must not be changed by either caller: it is typed readonly, and not frozen,
   * because V8 takes its fast paths only for arrays that are not frozen (measured on Node 20:
   * `slice` of a 5-element frozen array 924 ns against 51, `find` 361 against 14, reading
   * three elements in a loop 52 against 15), and every request copies, searches and walks
   * its key's list several times. One Map per length (in an array indexed by length, made
   * with the ring), so that a lookup is one Map's, with no per-key array of lengths to search.
   */
  private readonly listsByLength: Map<string, readonly string[]>[];

  private constructor(
    vnodesPerNode: number,
    tokens: Token[],
    private readonly hash: RingHash,
  ) {
    tokens.sort(compareTokens);
    const nodes = [...new Set(tokens.map((t) => t.nodeId))].sort();
    const indexOf = new Map<string, number>();
    nodes.forEach((id, i) => indexOf.set(id, i));

    this.vnodesPerNode = vnodesPerNode;
    this.nodes = Object.freeze(nodes);
    this.indexOfNode = indexOf;
    // Not frozen, for the binary search's loads (see listsOfKey): private, and never written.
    this.positions = tokens.map((t) => t.position);
    this.ownerIndex = Uint32Array.from(tokens, (t) => {
      const index = indexOf.get(t.nodeId);
      invariant(index !== undefined, `token of unknown node ${t.nodeId}`);
      return index;
    });
    this.seen = new Uint32Array(nodes.length);
    this.listsByLength = Array.from({ length: nodes.length + 1 }, () => new Map<string, readonly string[]>());
  }

  /**
   * Builds a ring of `nodeIds` (duplicates ignored), each with `vnodesPerNode` tokens.
   * @throws RangeError when `vnodesPerNode` is not an integer >= 1.
   */
  static of(nodeIds: readonly string[], vnodesPerNode: number, hash: RingHash): Ring {
    if (!Number.isInteger(vnodesPerNode) || vnodesPerNode < 1) {
      throw new RangeError(`vnodesPerNode must be an integer >= 1, got ${String(vnodesPerNode)}`);
    }
    const tokens: Token[] = [];
    for (const id of new Set(nodeIds)) tokens.push(...tokensFor(id, vnodesPerNode, hash));
    return new Ring(vnodesPerNode, tokens, hash);
  }

  /** The same ring over other nodes (a membership change). */
  withMembers(nodeIds: readonly string[]): Ring {
    return Ring.of(nodeIds, this.vnodesPerNode, this.hash);
  }

  /** Whether `nodeId` is one of the ring's physical nodes. */
  has(nodeId: string): boolean {
    return this.indexOfNode.has(nodeId);
  }

  /**
   * Distinct physical nodes met walking clockwise from md5(key), starting at
   * the first token at or after the key's position (wrapping around). The
   * first N are the key's primaries, the rest are the fallbacks for sloppy
   * quorum, in ring order. `count` limits the length (default: all nodes);
   * the walk stops as soon as `count` distinct nodes are found.
   * @throws RangeError when `count` is not an integer >= 0.
   */
  preferenceList(key: string, count: number = this.nodes.length): readonly string[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`count must be an integer >= 0, got ${String(count)}`);
    }
    const want = Math.min(count, this.nodes.length);
    const lists = this.listsByLength[want] as Map<string, readonly string[]>;
    const known = lists.get(key);
    if (known !== undefined) return known;
    // Bounded: past the limit the memory starts over (keys asked again are walked again).
    if (lists.size >= KEYS_REMEMBERED) lists.clear();
    const list: readonly string[] = want === 0 ? [] : this.walk(this.startOf(key), want);
    lists.set(key, list);
    return list;
  }

  /** The index of the first token at or after md5(key), wrapping around. */
  private startOf(key: string): number {
    const positions = this.positions;
    const total = positions.length;
    const target = this.hash(key);
    // Binary search for the first token whose position is >= the key's.
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((positions[mid] as string) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo === total ? 0 : lo;
  }

  /**
   * For each token (virtual node) in ring order, the first `count` distinct nodes met walking
   * clockwise from it: the preference list every key of the arc ending at that token shares
   * (a key maps to the first token at or after its position). Anti-entropy (§4.7) derives its
   * key ranges from these.
   */
  arcPreferenceLists(count: number): string[][] {
    const want = Math.min(count, this.nodes.length);
    return Array.from({ length: this.positions.length }, (_, at) => this.walk(at, want));
  }

  /** Distinct nodes met walking clockwise from token `at`, at most `want` of them. */
  private walk(start: number, want: number): string[] {
    const result: string[] = [];
    const total = this.positions.length;
    let at = start;
    const stamp = this.nextStamp();
    const seen = this.seen;
    const owners = this.ownerIndex;
    const nodes = this.nodes;
    // Every node owns at least one token, so one lap always finds `want` nodes;
    // the step bound only guards the invariant.
    for (let step = 0; step < total && result.length < want; step++) {
      const owner = owners[at] as number;
      if (seen[owner] !== stamp) {
        seen[owner] = stamp;
        result.push(nodes[owner] as string);
      }
      at = at + 1 === total ? 0 : at + 1;
    }
    return result;
  }

  private nextStamp(): number {
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    this.stamp += 1;
    return this.stamp;
  }
}
