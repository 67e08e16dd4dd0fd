/**
 * The undo of chaos: the seed's unset_* paths and the dashboard's one-click undo remove some
 * effects of the rules one selector names, and must leave every other rule as it was.
 */
import type { ChaosRule, ChaosSelector, Cluster } from '../api/cluster.js';
import type { ChaosEffect } from './service.js';

/**
 * Removes `effects` from the rules `selector` names exactly, keeping their other effects. A
 * bare actor (`{ node: X }`, Reactor's unset with no senders) also takes the rules on links
 * into X: "unset_msg_delay nodeA" ends every delay nodeA's arrivals were under.
 */
export async function removeChaosEffects(cluster: Cluster, selector: ChaosSelector, effects: readonly ChaosEffect[]): Promise<void> {
  const same = (rule: ChaosRule): boolean =>
    (rule.node === selector.node && rule.from === selector.from && rule.to === selector.to) ||
    (selector.node !== undefined && selector.from === undefined && selector.to === undefined && rule.to === selector.node);
  const before = (await cluster.stats()).chaos;
  const matched = before.filter(same);
  // The cluster clears every rule whose selector has the fields given (`{ from: a }` also
  // takes `{ from: a, to: b }`): rules taken that way, not matched, are set again.
  for (const rule of matched) await cluster.clearChaos(selectorOf(rule));
  const left = new Set((await cluster.stats()).chaos.map((rule) => selectorKey(rule)));
  for (const rule of before) {
    if (!matched.includes(rule) && !left.has(selectorKey(rule))) await cluster.chaos(rule);
  }
  for (const rule of matched) {
    const kept: Record<string, unknown> = { ...rule };
    for (const effect of effects) delete kept[effect];
    if (kept.loss !== undefined || kept.duplicate !== undefined || kept.delayMs !== undefined) await cluster.chaos(kept as ChaosRule);
  }
}

/** A rule's selector alone, with only the fields it sets. */
function selectorOf(rule: ChaosSelector): ChaosSelector {
  return { ...(rule.node !== undefined && { node: rule.node }), ...(rule.from !== undefined && { from: rule.from }), ...(rule.to !== undefined && { to: rule.to }) };
}

/** One string per selector: rules with the same one are one rule (a new one replaces its effects). */
function selectorKey(rule: ChaosSelector): string {
  return JSON.stringify([rule.node ?? null, rule.from ?? null, rule.to ?? null]);
}
