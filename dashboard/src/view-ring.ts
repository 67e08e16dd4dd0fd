/**
 * Ring: the vnodes of the selected controller's ring, a legend of nodes (where each is
 * hosted, whether it runs), and a key lookup (GET /preference/<key>) that lights up the
 * key's preference list and fallbacks on the drawing and lists them.
 */
import { segment } from './api.js';
import type { KeyPlacement, RingView } from './contracts.js';
import { byId, h, KeyedChildren, setAttr, setText } from './dom.js';
import { compareNames } from './natural-order.js';
import { RingDrawing, hex } from './ring-drawing.js';
import type { ViewContext } from './view-context.js';

export class RingTab {
  private readonly drawing = new RingDrawing();
  private readonly empty = byId('ring-empty', HTMLParagraphElement);
  private readonly params = byId('ring-params', HTMLParagraphElement);
  private readonly body = byId('ring-body', HTMLDivElement);
  private readonly keyInput = byId('ring-key', HTMLInputElement);
  private readonly placementBox = byId('ring-placement', HTMLDivElement);
  private readonly prefList = byId('ring-pref-list', HTMLOListElement);
  private readonly fallbackList = byId('ring-fallback-list', HTMLOListElement);
  private readonly keyToken = byId('ring-key-token', HTMLElement);
  private readonly legend: KeyedChildren<string, HTMLLIElement>;
  /** The ring drawn, as JSON: the ring is read again after actor events, and is redrawn only when it changed. */
  private drawnRing = '';
  private placement: KeyPlacement | null = null;

  constructor(private readonly context: ViewContext) {
    byId('ring-drawing', HTMLDivElement).append(this.drawing.element);
    this.legend = new KeyedChildren(
      byId('ring-legend', HTMLUListElement),
      (node) => h('li', { 'data-testid': 'ring-legend-item', 'data-node': node }, h('span', { class: 'swatch' }), h('span', { class: 'legend-name' }, node), h('span', { class: 'legend-host' })),
      (li, node) => this.updateLegendItem(li, node),
    );
    byId('ring-key-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      void this.lookUp(this.keyInput.value);
    });
    byId('ring-key-clear', HTMLButtonElement).addEventListener('click', () => this.showPlacement(null));
    const { data, router } = context;
    data.events.on('reset', () => {
      this.drawnRing = '';
      this.showPlacement(null);
      this.render();
    });
    data.events.on('ring', () => this.render());
    data.events.on('frame', () => {
      if (router.isShown('ring')) this.markStopped();
    });
    router.onShow((view) => {
      if (view === 'ring') this.render();
    });
  }

  private render(): void {
    if (!this.context.router.isShown('ring')) return;
    const ring = this.context.data.ring;
    this.empty.hidden = ring !== null;
    this.body.hidden = ring === null || ring === undefined;
    setText(this.empty, 'No job runs here: this controller hosts no ring.');
    if (ring === null || ring === undefined) return;
    const json = JSON.stringify(ring);
    if (json !== this.drawnRing) {
      this.drawnRing = json;
      this.drawing.draw(ring, this.context.palette);
      this.drawing.highlight(this.placement);
    }
    setText(this.params, `${ring.nodes.length} nodes, ${ring.vnodes.length} vnodes (${vnodesPerNode(ring)} per node); N=${ring.n} R=${ring.r} W=${ring.w}`);
    this.legend.sync([...ring.nodes].sort(compareNames), (node) => node);
    this.markStopped();
  }

  private markStopped(): void {
    const stopped = new Set(this.context.data.frame?.stats?.stopped ?? []);
    this.drawing.markStopped(stopped);
    for (const li of byId('ring-legend', HTMLUListElement).children) {
      const node = li.getAttribute('data-node') ?? '';
      setAttr(li, 'data-state', stopped.has(node) ? 'stopped' : 'running');
    }
  }

  private updateLegendItem(li: HTMLLIElement, node: string): void {
    const swatch = li.querySelector<HTMLElement>('.swatch');
    if (swatch !== null) swatch.style.background = this.context.palette.colourOf(node);
    const host = li.querySelector('.legend-host');
    const ring = this.context.data.ring;
    if (host !== null) setText(host, ring?.placement[node] === undefined ? '' : `on ${ring.placement[node]}`);
  }

  private async lookUp(key: string): Promise<void> {
    const { data, report } = this.context;
    try {
      this.showPlacement(await data.api.get<KeyPlacement>(`/preference/${segment(key)}`));
    } catch (error) {
      report(`Looking up the preference list of '${key}'`, error);
    }
  }

  private showPlacement(placement: KeyPlacement | null): void {
    this.placement = placement;
    this.drawing.highlight(placement);
    this.placementBox.hidden = placement === null;
    if (placement === null) return;
    setText(this.keyToken, `'${placement.key}' sits at ${hex(placement.token)}`);
    const item = (testid: string, role: string) => (node: string, i: number): HTMLLIElement =>
      h('li', { 'data-testid': testid, 'data-node': node, 'data-rank': i + 1, class: role },
        h('span', { class: 'swatch', style: `background:${this.context.palette.colourOf(node)}` }), node,
        h('span', { class: 'legend-host' }, this.context.data.ring?.placement[node] === undefined ? '' : ` on ${this.context.data.ring?.placement[node]}`));
    this.prefList.replaceChildren(...placement.preferenceList.map(item('pref-node', 'pref')));
    this.fallbackList.replaceChildren(...placement.fallbacks.map(item('fallback-node', 'fallback')));
  }
}

function vnodesPerNode(ring: RingView): string {
  return ring.nodes.length === 0 ? '0' : String(Math.round(ring.vnodes.length / ring.nodes.length));
}
