/** Chaos rules in words, and which of them act on a link: shared by the flow and chaos views. */
import type { ChaosRule, ChaosSelector } from './contracts.js';

/** Who a rule's selector picks, as a person reads it. */
export function describeSelector(selector: ChaosSelector): string {
  if (selector.node !== undefined) return `everything ${selector.node} receives`;
  return `${selector.from ?? 'all'} → ${selector.to ?? 'all'}`;
}

/** What a rule does, as a person reads it. */
export function describeEffects(rule: ChaosRule): string {
  const parts: string[] = [];
  if (rule.loss !== undefined) parts.push(`loss ${percent(rule.loss)}`);
  if (rule.duplicate !== undefined) parts.push(`duplicate ${percent(rule.duplicate.probability)} ×${rule.duplicate.factor}`);
  if (rule.delayMs !== undefined) parts.push(`delay ${rule.delayMs[0]}–${rule.delayMs[1]} ms`);
  return parts.join(', ');
}

/** True when `rule` takes the messages `from` sends to `to` (as the engine's ruleApplies). */
export function ruleActsOn(rule: ChaosRule, from: string, to: string): boolean {
  if (rule.node !== undefined) return rule.node === to;
  return (rule.from === undefined || rule.from === from) && (rule.to === undefined || rule.to === to);
}

/** Only the selector's fields, as /chaos/clear takes them. */
export function selectorOf(rule: ChaosRule): ChaosSelector {
  const selector: { -readonly [K in keyof ChaosSelector]: string } = {};
  if (rule.node !== undefined) selector.node = rule.node;
  if (rule.from !== undefined) selector.from = rule.from;
  if (rule.to !== undefined) selector.to = rule.to;
  return selector;
}

function percent(probability: number): string {
  return `${Math.round(probability * 1000) / 10} %`;
}
