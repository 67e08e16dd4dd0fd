/**
 * Topology: every controller of the dashboard's config, each read on its own (GET /status
 * and /ring) every few seconds while this view is shown. The selected controller's card
 * also follows its event stream: actor changes and stopped nodes show at once.
 */
import type { Api } from './api.js';
import type { ControllerRef, ControllerStatus, RingView } from './contracts.js';
import { hasJob, noJobHere } from './controller-data.js';
import { byId, KeyedChildren } from './dom.js';
import { messageOf } from './error-area.js';
import { TopologyCard, type ControllerSnapshot } from './topology-card.js';
import { PeerCard } from './topology-peer-card.js';
import { jobPeers, type JobPeer } from './topology-peers.js';
import type { ViewContext } from './view-context.js';

const POLL_MS = 3000;

export class TopologyTab {
  private readonly snapshots = new Map<string, ControllerSnapshot>();
  private readonly cards: KeyedChildren<ControllerRef, HTMLElement>;
  private readonly cardOf = new Map<string, TopologyCard>();
  private readonly peerCards: KeyedChildren<JobPeer, HTMLElement>;
  private readonly peerCardOf = new Map<string, PeerCard>();
  private pollTimer: number | undefined;
  private polling = false;
  /** Counts starts, so that a round still running from before a stop ends its loop. */
  private generation = 0;

  constructor(
    private readonly context: ViewContext,
    private readonly controllers: readonly ControllerRef[],
    private readonly makeApi: (ref: ControllerRef) => Api,
    private readonly onSelect: (ref: ControllerRef) => void,
  ) {
    this.cards = new KeyedChildren(
      byId('topology-controllers', HTMLDivElement),
      (ref) => {
        const card = new TopologyCard(ref, (picked) => this.onSelect(picked));
        this.cardOf.set(ref.name, card);
        return card.element;
      },
      (_element, ref) => this.cardOf.get(ref.name)?.update(this.snapshotOf(ref), this.isSelected(ref)),
    );
    this.peerCards = new KeyedChildren(
      byId('topology-peers', HTMLDivElement),
      (peer) => {
        const card = new PeerCard(peer.name);
        this.peerCardOf.set(peer.name, card);
        return card.element;
      },
      (_element, peer) => this.peerCardOf.get(peer.name)?.update(peer),
    );
    const { data, router } = context;
    for (const event of ['status', 'ring', 'reset'] as const) data.events.on(event, () => this.render());
    data.events.on('frame', () => this.render());
    router.onShow((view) => (view === 'topology' ? this.startPolling() : this.stopPolling()));
  }

  private isSelected(ref: ControllerRef): boolean {
    return this.context.data.controller?.name === ref.name;
  }

  /** The selected controller's data comes from its stream; the others' from polling. */
  private snapshotOf(ref: ControllerRef): ControllerSnapshot {
    const polled = this.snapshots.get(ref.name) ?? {};
    if (!this.isSelected(ref)) return polled;
    const { data } = this.context;
    return {
      ...polled,
      ...(data.status === null ? {} : { status: data.status }),
      ...(data.ring === undefined ? {} : { ring: data.ring }),
      stopped: data.frame?.stats?.stopped ?? [],
    };
  }

  private render(): void {
    if (!this.context.router.isShown('topology')) return;
    this.cards.sync(this.controllers, (ref) => ref.name);
    const views = this.controllers.flatMap((ref) => {
      const { status, ring } = this.snapshotOf(ref);
      return status?.controller != null && ring != null ? [{ self: status.controller, ring, linked: status.peers_connected }] : [];
    });
    this.peerCards.sync(jobPeers(views), (peer) => peer.name);
  }

  private startPolling(): void {
    this.render();
    if (this.polling) return;
    this.polling = true;
    void this.pollLoop(++this.generation);
  }

  private stopPolling(): void {
    this.polling = false;
    window.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** One round at a time: a controller slow to answer delays the next round, never piles rounds up. */
  private async pollLoop(generation: number): Promise<void> {
    await this.poll();
    // Stopped, or stopped and started again while this round ran: that start runs its own loop.
    if (this.polling && generation === this.generation) this.pollTimer = window.setTimeout(() => void this.pollLoop(generation), POLL_MS);
  }

  private async poll(): Promise<void> {
    await Promise.all(this.controllers.map((ref) => this.read(ref)));
    this.render();
  }

  /** Reads one controller; a failure shows on its card (every few seconds is too often for the error area). */
  private async read(ref: ControllerRef): Promise<void> {
    const api = this.makeApi(ref);
    try {
      const status = await api.get<ControllerStatus>('/status');
      let ring: RingView | null = null;
      try {
        if (hasJob(status)) ring = await api.get<RingView>('/ring');
      } catch (error) {
        if (!noJobHere(error)) throw error;
      }
      this.snapshots.set(ref.name, { status, ring });
    } catch (error) {
      this.snapshots.set(ref.name, { ...this.snapshots.get(ref.name), error: `Could not read ${ref.name}: ${messageOf(error)}` });
    }
  }
}
