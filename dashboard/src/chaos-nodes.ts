/**
 * Crash and restart: the Dynamo nodes this controller runs, each with Crash while it runs
 * and Restart once it is down. Nodes of other controllers are crashed from theirs.
 */
import { runAction } from './action-button.js';
import { isDown, nodeActors, type ChaosActions } from './chaos-actions.js';
import type { ActorStatus, ClusterStats, ControllerStatus } from './contracts.js';
import { h, KeyedChildren, setAttr, setText } from './dom.js';
import type { Report } from './error-area.js';
import { compareNames } from './natural-order.js';

interface NodeControl {
  readonly actor: ActorStatus;
  readonly down: boolean;
}

export class NodeControls {
  private readonly rows: KeyedChildren<NodeControl, HTMLLIElement>;

  constructor(
    list: HTMLUListElement,
    private readonly actions: ChaosActions,
    private readonly report: Report,
  ) {
    this.rows = new KeyedChildren(list, (control) => this.create(control), update);
  }

  render(stats: ClusterStats | null, status: ControllerStatus | null): void {
    const stopped = stats?.stopped ?? [];
    const controls = [...nodeActors(status).values()]
      .sort((a, b) => compareNames(a.nodeId ?? '', b.nodeId ?? ''))
      .map((actor) => ({ actor, down: isDown(actor, stopped) }));
    this.rows.sync(controls, (control) => control.actor.name);
  }

  private create(control: NodeControl): HTMLLIElement {
    const { name, nodeId } = control.actor;
    const node = nodeId ?? name;
    const crash = h('button', { type: 'button', class: 'small danger', 'data-testid': 'node-crash', 'data-node': node }, 'Crash');
    const restart = h('button', { type: 'button', class: 'small', 'data-testid': 'node-restart', 'data-node': node }, 'Restart');
    crash.addEventListener('click', () => void runAction(crash, `Crashing ${node}`, () => this.actions.crash(name), this.report));
    restart.addEventListener('click', () => void runAction(restart, `Restarting ${node}`, () => this.actions.restart(name), this.report));
    return h('li', { 'data-testid': 'node-control', 'data-node': node, 'data-actor': name }, h('span', { class: 'actor-name' }, node), h('span', { class: 'state' }), crash, restart);
  }
}

function update(row: HTMLLIElement, control: NodeControl): void {
  const state = control.down && control.actor.state === 'running' ? 'stopped' : control.actor.state;
  setAttr(row, 'data-state', state);
  const label = row.querySelector('.state');
  if (label !== null) setText(label, state);
  const crash = row.querySelector<HTMLButtonElement>('[data-testid="node-crash"]');
  const restart = row.querySelector<HTMLButtonElement>('[data-testid="node-restart"]');
  if (crash !== null) crash.hidden = control.down;
  if (restart !== null) restart.hidden = !control.down;
}
