/**
 * Read repair (paper §5): after a get answered and waited a short window for stragglers,
 * every primary that answered without some of what the get merged receives the merge. The
 * merge carries its context, so a primary that held a version others saw superseded drops it.
 */
import type { Siblings } from '../protocol/data.js';
import type { LocalReplica } from './request-env.js';
import type { EffectSink } from './effects.js';
import { includesAll } from './siblings.js';

/** Sends the repairs; returns how many replicas were repaired. */
export function readRepair(
  key: string,
  merged: Siblings,
  /** The first `replies` entries: who answered, and what it held. */
  repliedNodes: readonly string[],
  repliedSiblings: readonly Siblings[],
  replies: number,
  /** The key's primaries: only they are repaired (a stand-in's copy is a hint, delivered later). */
  primaries: { isPrimary(node: string): boolean },
  sink: EffectSink,
  local: LocalReplica | null,
): number {
  let repaired = 0;
  for (let i = 0; i < replies; i++) {
    const node = repliedNodes[i] as string;
    const siblings = repliedSiblings[i] as Siblings;
    if (!primaries.isPrimary(node) || includesAll(siblings, merged)) continue;
    repaired++;
    if (node === local?.nodeId) local.write(key, merged, null);
    else sink.send(node, { kind: 'replica.repair', key, siblings: merged });
  }
  return repaired;
}
