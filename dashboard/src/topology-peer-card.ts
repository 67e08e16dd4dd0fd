/**
 * A controller of the job that the dashboard does not talk to itself (a `dynamo node` shows
 * only itself; `dynamo dashboard --controller ...` shows each one given): what a controller
 * it does talk to knows of it. Its nodes and clients come from the job's placement, and its
 * state is whether that controller holds a link to it, so its nodes are reachable or not.
 */
import { h, KeyedChildren, setAttr, setText } from './dom.js';
import type { JobPeer } from './topology-peers.js';

export class PeerCard {
  readonly element: HTMLElement;
  private readonly link = h('dd', { 'data-testid': 'peer-link' });
  private readonly nodes: KeyedChildren<string, HTMLLIElement>;
  private readonly clients: KeyedChildren<string, HTMLLIElement>;
  private readonly nodeList = h('ul', { class: 'actor-list', 'data-testid': 'peer-nodes' });
  private readonly clientList = h('ul', { class: 'actor-list', 'data-testid': 'peer-clients' });
  private linked = false;

  constructor(name: string) {
    this.element = h(
      'article',
      { class: 'card controller-card peer', 'data-testid': 'peer-card', 'data-controller': name },
      h('header', { class: 'card-head' }, h('h3', {}, name), h('span', { class: 'badge' }, 'in the job')),
      h('dl', { class: 'facts' }, h('dt', {}, 'Link'), this.link),
      h('h4', {}, 'Dynamo nodes'), this.nodeList,
      h('h4', {}, 'Clients'), this.clientList,
    );
    const row = (testid: string) => (id: string): HTMLLIElement => h('li', { 'data-testid': testid, 'data-node': id }, h('span', { class: 'actor-name' }, id), h('span', { class: 'state' }));
    const update = (li: HTMLLIElement): void => {
      const state = this.linked ? 'reachable' : 'unreachable';
      setAttr(li, 'data-state', state);
      const cell = li.querySelector('.state');
      if (cell !== null) setText(cell, state);
    };
    this.nodes = new KeyedChildren(this.nodeList, row('peer-node'), update);
    this.clients = new KeyedChildren(this.clientList, row('peer-client'), update);
  }

  update(peer: JobPeer): void {
    this.linked = peer.linked;
    setAttr(this.element, 'data-linked', String(peer.linked));
    setText(this.link, `${peer.linked ? 'linked to' : 'no link to'} ${peer.seenFrom}`);
    this.nodes.sync(peer.nodes, (id) => id);
    this.clients.sync(peer.clients, (id) => id);
    this.nodeList.dataset.empty = String(peer.nodes.length === 0);
    this.clientList.dataset.empty = String(peer.clients.length === 0);
  }
}
