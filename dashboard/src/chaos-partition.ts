/**
 * The partition form: each node goes to group A, group B, or neither; the two groups are
 * cut off from each other (nodes in neither form a third group, as the API has it).
 */
import { runAction } from './action-button.js';
import type { ChaosActions } from './chaos-actions.js';
import { byId, h, KeyedChildren } from './dom.js';
import type { Report } from './error-area.js';

const GROUPS = [
  ['', 'neither'],
  ['A', 'A'],
  ['B', 'B'],
] as const;

export class PartitionForm {
  private readonly form = byId('partition-form', HTMLFormElement);
  private readonly submit = byId('partition-apply', HTMLButtonElement);
  private readonly choices: KeyedChildren<string, HTMLLabelElement>;

  constructor(actions: ChaosActions, report: Report) {
    this.choices = new KeyedChildren(
      byId('partition-nodes', HTMLDivElement),
      (node) => {
        const select = h('select', { 'data-testid': 'partition-node', 'data-node': node, name: node }, ...GROUPS.map(([value, label]) => h('option', { value }, label)));
        return h('label', { class: 'partition-choice' }, h('span', {}, node), select);
      },
      () => {},
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const groups = this.groups();
      if (groups.some((group) => group.length === 0)) {
        report('Partitioning', new Error('put at least one node in each of groups A and B'));
        return;
      }
      void runAction(this.submit, 'Partitioning', () => actions.partition(groups), report);
    });
    const healAll = byId('partition-heal-all', HTMLButtonElement);
    healAll.addEventListener('click', () => void runAction(healAll, 'Healing the partitions', () => actions.heal(), report));
  }

  setNodes(nodes: readonly string[]): void {
    this.choices.sync(nodes, (node) => node);
  }

  private groups(): [string[], string[]] {
    const pick = (group: string): string[] =>
      [...this.form.querySelectorAll<HTMLSelectElement>('select[data-testid="partition-node"]')].filter((s) => s.value === group).map((s) => s.dataset.node ?? '');
    return [pick('A'), pick('B')];
  }
}
