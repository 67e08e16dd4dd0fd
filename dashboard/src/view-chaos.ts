/**
 * Chaos: the faults in force, each with its undo, and the controls that make new ones
 * (a chaos rule, a partition, a crash), all through the selected controller's API.
 */
import { ChaosActions } from './chaos-actions.js';
import { ActiveFaults } from './chaos-active.js';
import { ChaosRuleForm } from './chaos-form.js';
import { NodeControls } from './chaos-nodes.js';
import { PartitionForm } from './chaos-partition.js';
import { byId } from './dom.js';
import { compareNames } from './natural-order.js';
import type { ViewContext } from './view-context.js';

export class ChaosTab {
  private readonly ruleForm: ChaosRuleForm;
  private readonly partitionForm: PartitionForm;
  private readonly active: ActiveFaults;
  private readonly nodes: NodeControls;

  constructor(private readonly context: ViewContext) {
    const { data, router, report } = context;
    const actions = new ChaosActions(() => data.api);
    this.ruleForm = new ChaosRuleForm(actions, report);
    this.partitionForm = new PartitionForm(actions, report);
    this.active = new ActiveFaults(byId('chaos-active', HTMLUListElement), byId('chaos-active-empty', HTMLParagraphElement), actions, report);
    this.nodes = new NodeControls(byId('chaos-nodes', HTMLUListElement), actions, report);
    const render = (): void => this.render();
    for (const event of ['frame', 'status', 'ring', 'reset'] as const) data.events.on(event, render);
    router.onShow(render);
  }

  private render(): void {
    const { data, router } = this.context;
    if (!router.isShown('chaos')) return;
    const nodes = [...(data.ring?.nodes ?? data.frame?.stats?.nodes.map((node) => node.nodeId) ?? [])].sort(compareNames);
    this.ruleForm.setEndpoints(nodes);
    this.partitionForm.setNodes(nodes);
    const stats = data.frame?.stats ?? null;
    this.active.render(stats, data.status);
    this.nodes.render(stats, data.status);
  }
}
