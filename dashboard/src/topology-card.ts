/**
 * One node controller on the topology view: what it is in the job, the controllers it is
 * linked to, and the Dynamo nodes and client actors it runs with their state.
 */
import type { ActorStatus, ControllerRef, ControllerStatus, RingView } from './contracts.js';
import { h, KeyedChildren, setAttr, setText } from './dom.js';
import { compareNames } from './natural-order.js';

/** What is known of one controller at a time; a field is undefined until first read. */
export interface ControllerSnapshot {
  readonly status?: ControllerStatus;
  /** null: no job runs there. */
  readonly ring?: RingView | null;
  /** Nodes of its ring whose worker is not running (known for the selected controller only). */
  readonly stopped?: readonly string[];
  /** Why the last read failed, if it did. */
  readonly error?: string;
}

interface ActorRow {
  readonly actor: ActorStatus;
  readonly state: string;
}

export class TopologyCard {
  readonly element: HTMLElement;
  private readonly job = h('dd', { 'data-field': 'job' });
  private readonly cluster = h('dd', { 'data-field': 'cluster' });
  private readonly peerPort = h('dd', { 'data-field': 'peer-port' });
  private readonly peers = h('dd', { 'data-testid': 'controller-peers' });
  private readonly ringSummary = h('dd', { 'data-testid': 'controller-ring' });
  private readonly error = h('p', { class: 'inline-error', 'data-testid': 'controller-error', hidden: true });
  private readonly selectedBadge = h('span', { class: 'badge', hidden: true }, 'selected');
  private readonly nodes: KeyedChildren<ActorRow, HTMLLIElement>;
  private readonly clients: KeyedChildren<ActorRow, HTMLLIElement>;
  private readonly nodeList = h('ul', { class: 'actor-list', 'data-testid': 'topology-nodes' });
  private readonly clientList = h('ul', { class: 'actor-list', 'data-testid': 'topology-clients' });

  constructor(readonly ref: ControllerRef, onSelect: (ref: ControllerRef) => void) {
    const select = h('button', { type: 'button', class: 'small', 'data-testid': 'controller-select-button' }, 'Select');
    select.addEventListener('click', () => onSelect(ref));
    this.element = h(
      'article',
      { class: 'card controller-card', 'data-testid': 'controller-card', 'data-controller': ref.name },
      h('header', { class: 'card-head' }, h('h3', {}, ref.name), this.selectedBadge, select),
      h('dl', { class: 'facts' },
        h('dt', {}, 'In the job as'), this.job,
        h('dt', {}, 'Cluster'), this.cluster,
        h('dt', {}, 'Peer port'), this.peerPort,
        h('dt', {}, 'Linked to'), this.peers,
        h('dt', {}, 'Ring'), this.ringSummary,
      ),
      this.error,
      h('h4', {}, 'Dynamo nodes'), this.nodeList,
      h('h4', {}, 'Clients'), this.clientList,
    );
    const row = (testid: string) => (item: ActorRow): HTMLLIElement =>
      h('li', { 'data-testid': testid, 'data-actor': item.actor.name, 'data-node': item.actor.nodeId }, h('span', { class: 'actor-name' }, item.actor.nodeId ?? item.actor.name), h('span', { class: 'state' }));
    const update = (li: HTMLLIElement, item: ActorRow): void => {
      setAttr(li, 'data-state', item.state);
      const state = li.querySelector('.state');
      if (state !== null) setText(state, item.state);
      setAttr(li, 'title', `actor ${item.actor.name} (${item.actor.operator})`);
    };
    this.nodes = new KeyedChildren(this.nodeList, row('topology-node'), update);
    this.clients = new KeyedChildren(this.clientList, row('topology-client'), update);
  }

  update(snapshot: ControllerSnapshot, selected: boolean): void {
    setAttr(this.element, 'data-selected', String(selected));
    this.selectedBadge.hidden = !selected;
    this.error.hidden = snapshot.error === undefined;
    setText(this.error, snapshot.error ?? '');
    const status = snapshot.status;
    setText(this.job, status?.controller ?? 'no job yet');
    setText(this.cluster, status?.cluster ?? '—');
    setText(this.peerPort, status === undefined ? '—' : String(status.peer_port));
    setText(this.peers, status === undefined ? '—' : status.peers_connected.length === 0 ? 'none' : [...status.peers_connected].sort(compareNames).join(', '));
    setText(this.ringSummary, ringSummary(snapshot.ring));
    const stopped = new Set(snapshot.stopped ?? []);
    const actors = [...(status?.actor_states ?? [])].sort((a, b) => compareNames(a.nodeId ?? a.name, b.nodeId ?? b.name));
    const rowOf = (actor: ActorStatus): ActorRow => ({ actor, state: actor.nodeId !== undefined && stopped.has(actor.nodeId) && actor.state === 'running' ? 'stopped' : actor.state });
    this.nodes.sync(actors.filter((a) => a.operator === 'dynamo_node').map(rowOf), (row) => row.actor.name);
    this.clients.sync(actors.filter((a) => a.operator !== 'dynamo_node').map(rowOf), (row) => row.actor.name);
    this.nodeList.dataset.empty = String(this.nodeList.childElementCount === 0);
    this.clientList.dataset.empty = String(this.clientList.childElementCount === 0);
  }
}

function ringSummary(ring: RingView | null | undefined): string {
  if (ring === undefined) return '—';
  if (ring === null) return 'no job runs here';
  const hosts = new Set(Object.values(ring.placement)).size;
  return `${ring.nodes.length} nodes on ${hosts} controller${hosts === 1 ? '' : 's'}, ${ring.vnodes.length} vnodes; N=${ring.n} R=${ring.r} W=${ring.w}`;
}
