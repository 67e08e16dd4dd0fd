/**
 * The form that sets a chaos rule: on every message a node receives, or on a link (either
 * end may be left open, meaning every endpoint), with loss, duplication and delay. Empty
 * fields are left out of the rule, so that a rule already set for the same selector keeps
 * those effects.
 */
import { runAction, syncOptions } from './action-button.js';
import type { ChaosActions } from './chaos-actions.js';
import type { ChaosRule } from './contracts.js';
import { byId } from './dom.js';
import type { Report } from './error-area.js';

/** Inputs of the effects, emptied once a rule is set (the copies count keeps its value). */
const EFFECT_INPUTS = ['chaos-loss', 'chaos-dup-probability', 'chaos-delay-min', 'chaos-delay-max'] as const;

/** The client's endpoint, as chaos selectors name it. */
const CLIENT = 'client';

export class ChaosRuleForm {
  private readonly form = byId('chaos-rule-form', HTMLFormElement);
  private readonly node = byId('chaos-node', HTMLSelectElement);
  private readonly from = byId('chaos-from', HTMLSelectElement);
  private readonly to = byId('chaos-to', HTMLSelectElement);
  private readonly submit = byId('chaos-apply', HTMLButtonElement);

  constructor(actions: ChaosActions, report: Report) {
    for (const radio of this.form.querySelectorAll<HTMLInputElement>('input[name="chaos-target"]')) radio.addEventListener('change', () => this.showTarget());
    this.showTarget();
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      let rule: ChaosRule;
      try {
        rule = this.rule();
      } catch (error) {
        report('Setting a chaos rule', error);
        return;
      }
      void runAction(this.submit, 'Setting a chaos rule', async () => {
        await actions.setRule(rule);
        // Set effects are cleared, so that the next rule does not take them on unseen.
        for (const id of EFFECT_INPUTS) byId(id, HTMLInputElement).value = '';
      }, report);
    });
  }

  /** The endpoints a rule may name: the ring's nodes and the client. */
  setEndpoints(nodes: readonly string[]): void {
    syncOptions(this.node, [...nodes, CLIENT]);
    syncOptions(this.from, [...nodes, CLIENT], 'all');
    syncOptions(this.to, [...nodes, CLIENT], 'all');
  }

  private get target(): 'node' | 'link' {
    return this.form.querySelector<HTMLInputElement>('input[name="chaos-target"]:checked')?.value === 'link' ? 'link' : 'node';
  }

  private showTarget(): void {
    byId('chaos-node-fields', HTMLFieldSetElement).hidden = this.target !== 'node';
    byId('chaos-link-fields', HTMLFieldSetElement).hidden = this.target !== 'link';
  }

  /** The rule the form describes; throws, saying what is missing, when it describes none. */
  private rule(): ChaosRule {
    const rule: { -readonly [K in keyof ChaosRule]: ChaosRule[K] } = {};
    if (this.target === 'node') {
      rule.node = this.node.value;
    } else {
      if (this.from.value === '' && this.to.value === '') throw new Error('a link needs a sender, a receiver, or both');
      if (this.from.value !== '') rule.from = this.from.value;
      if (this.to.value !== '') rule.to = this.to.value;
    }
    const loss = numberIn('chaos-loss');
    if (loss !== undefined) rule.loss = loss;
    const duplicate = numberIn('chaos-dup-probability');
    if (duplicate !== undefined) rule.duplicate = { probability: duplicate, factor: numberIn('chaos-dup-factor') ?? 2 };
    const delayMin = numberIn('chaos-delay-min');
    const delayMax = numberIn('chaos-delay-max');
    if (delayMin !== undefined || delayMax !== undefined) rule.delayMs = [delayMin ?? 0, delayMax ?? delayMin ?? 0];
    if (rule.loss === undefined && rule.duplicate === undefined && rule.delayMs === undefined) {
      throw new Error('give at least one of loss, duplication, delay');
    }
    return rule;
  }
}

/** A number input's value; undefined when empty. */
function numberIn(id: string): number | undefined {
  const input = byId(id, HTMLInputElement);
  return input.value.trim() === '' ? undefined : input.valueAsNumber;
}
