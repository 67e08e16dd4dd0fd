/**
 * Every fault in force, each undone with one click: chaos rules (Undo clears every effect of
 * its selector), partitions (Heal), and crashed nodes of this controller (Restart).
 */
import { runAction } from './action-button.js';
import { isDown, nodeActors, type ChaosActions } from './chaos-actions.js';
import { describeEffects, describeSelector, selectorOf } from './chaos-describe.js';
import type { ActorStatus, ChaosRule, ClusterStats, ControllerStatus } from './contracts.js';
import { h, KeyedChildren, setText } from './dom.js';
import type { Report } from './error-area.js';
import { compareNames } from './natural-order.js';

type Fault =
  | { readonly kind: 'rule'; readonly rule: ChaosRule }
  | { readonly kind: 'partition'; readonly cuts: readonly string[] }
  | { readonly kind: 'crashed'; readonly actor: ActorStatus };

export class ActiveFaults {
  private readonly items: KeyedChildren<Fault, HTMLLIElement>;

  constructor(
    private readonly list: HTMLUListElement,
    private readonly empty: HTMLElement,
    private readonly actions: ChaosActions,
    private readonly report: Report,
  ) {
    this.items = new KeyedChildren(list, (fault) => this.create(fault), (li, fault) => this.update(li, fault));
  }

  render(stats: ClusterStats | null, status: ControllerStatus | null): void {
    const faults: Fault[] = (stats?.chaos ?? []).map((rule) => ({ kind: 'rule', rule }));
    const cuts = (stats?.nodes ?? []).filter((node) => node.partitionedFrom.length > 0).map((node) => `${node.nodeId} from ${[...node.partitionedFrom].sort(compareNames).join(', ')}`);
    if (cuts.length > 0) faults.push({ kind: 'partition', cuts });
    const stopped = stats?.stopped ?? [];
    for (const actor of [...nodeActors(status).values()].sort((a, b) => compareNames(a.nodeId ?? '', b.nodeId ?? ''))) {
      if (isDown(actor, stopped)) faults.push({ kind: 'crashed', actor });
    }
    this.items.sync(faults, keyOf);
    this.empty.hidden = faults.length > 0;
  }

  private create(fault: Fault): HTMLLIElement {
    const text = h('span', { class: 'fault-text' });
    switch (fault.kind) {
      case 'rule': {
        const undo = h('button', { type: 'button', class: 'small', 'data-testid': 'rule-undo' }, 'Undo');
        const selector = selectorOf(fault.rule);
        undo.addEventListener('click', () => void runAction(undo, `Undoing the chaos rule on ${describeSelector(selector)}`, () => this.actions.clearRule(selector), this.report));
        return h('li', { 'data-testid': 'chaos-rule', 'data-node': selector.node, 'data-from': selector.from, 'data-to': selector.to }, text, undo);
      }
      case 'partition': {
        const heal = h('button', { type: 'button', class: 'small', 'data-testid': 'partition-heal' }, 'Heal');
        heal.addEventListener('click', () => void runAction(heal, 'Healing the partitions', () => this.actions.heal(), this.report));
        return h('li', { 'data-testid': 'partition-active' }, text, heal);
      }
      case 'crashed': {
        const restart = h('button', { type: 'button', class: 'small', 'data-testid': 'crashed-restart', 'data-node': fault.actor.nodeId }, 'Restart');
        const { name, nodeId } = fault.actor;
        restart.addEventListener('click', () => void runAction(restart, `Restarting ${nodeId}`, () => this.actions.restart(name), this.report));
        return h('li', { 'data-testid': 'crashed-node', 'data-node': nodeId }, text, restart);
      }
    }
  }

  private update(li: HTMLLIElement, fault: Fault): void {
    const text = li.querySelector('.fault-text');
    if (text === null) return;
    switch (fault.kind) {
      case 'rule':
        setText(text, `${describeSelector(fault.rule)}: ${describeEffects(fault.rule)}`);
        return;
      case 'partition':
        setText(text, `Partitioned: ${fault.cuts.join('; ')}`);
        return;
      case 'crashed':
        setText(text, `${fault.actor.nodeId} is ${fault.actor.state === 'failed' ? 'failed' : 'down'} (actor ${fault.actor.name})`);
        return;
    }
  }
}

function keyOf(fault: Fault): string {
  switch (fault.kind) {
    case 'rule':
      return `rule ${JSON.stringify(selectorOf(fault.rule))}`;
    case 'partition':
      return 'partition';
    case 'crashed':
      return `crashed ${fault.actor.name}`;
  }
}
