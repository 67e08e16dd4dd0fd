/**
 * The ring as SVG: every vnode a dot on the circle in its owner's colour, grouped per node
 * (so that marking a node stopped or picked touches one group, not its every vnode), and a
 * key's position with the walk that found its preference list and fallbacks.
 */
import type { KeyPlacement, RingView } from './contracts.js';
import { setAttr, svg } from './dom.js';
import type { Palette } from './palette.js';
import { arcPath, pointOf, walkStops, type Point } from './ring-geometry.js';

const SIZE = 440;
const CENTRE: Point = { x: SIZE / 2, y: SIZE / 2 };
const RADIUS = 170;
/** Labels of the walk's stops sit outside the ring, at three staggered distances so that stops close together stay readable. */
const LABEL_RADII = [RADIUS + 20, RADIUS + 34, RADIUS + 48] as const;

export class RingDrawing {
  readonly element: SVGSVGElement;
  private readonly groups = new Map<string, SVGGElement>();
  private readonly vnodeLayer = svg('g', { class: 'ring-vnodes' });
  private readonly walkLayer = svg('g', { class: 'ring-walk' });
  private readonly centreTitle = svg('text', { class: 'ring-centre-title', x: CENTRE.x, y: CENTRE.y - 8, 'data-testid': 'ring-centre-title' });
  private readonly centreNote = svg('text', { class: 'ring-centre-note', x: CENTRE.x, y: CENTRE.y + 14 });
  private ring: RingView | null = null;

  constructor() {
    this.element = svg(
      'svg',
      { viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'ring', role: 'img', 'aria-label': 'The ring of virtual nodes', 'data-testid': 'ring-svg' },
      svg('circle', { class: 'ring-track', cx: CENTRE.x, cy: CENTRE.y, r: RADIUS }),
      this.centreTitle,
      this.centreNote,
      this.walkLayer,
      this.vnodeLayer,
    );
  }

  /** Draws `ring` anew (it changes only when a job starts or nodes join or leave). */
  draw(ring: RingView, palette: Palette): void {
    this.ring = ring;
    this.groups.clear();
    this.walkLayer.replaceChildren();
    const groups = ring.nodes.map((node) => {
      const group = svg('g', { class: 'ring-owner', 'data-testid': 'ring-owner', 'data-node': node, fill: palette.colourOf(node) });
      this.groups.set(node, group);
      return group;
    });
    // Dots shrink as the ring fills up (320 vnodes at 20 nodes), so that neighbours stay apart.
    const dotRadius = Math.max(2.5, Math.min(5, (Math.PI * RADIUS) / Math.max(1, ring.vnodes.length))).toFixed(1);
    for (const vnode of ring.vnodes) {
      const at = pointOf(vnode.token, CENTRE, RADIUS);
      const dot = svg(
        'circle',
        { class: 'vnode', 'data-testid': 'ring-vnode', 'data-node': vnode.node, 'data-token': vnode.token, cx: at.x.toFixed(2), cy: at.y.toFixed(2), r: dotRadius },
        svg('title', {}, `${vnode.node} · token ${hex(vnode.token)}`),
      );
      this.groups.get(vnode.node)?.append(dot);
    }
    this.vnodeLayer.replaceChildren(...groups);
    this.element.classList.remove('has-key');
    this.showCentre(null);
  }

  /** The middle of the ring names the key looked up, or else the ring's size. */
  private showCentre(placement: KeyPlacement | null): void {
    const ring = this.ring;
    this.centreTitle.textContent = placement === null ? `${ring?.nodes.length ?? 0} nodes` : placement.key;
    this.centreNote.textContent = placement === null ? `${ring?.vnodes.length ?? 0} vnodes` : `at ${hex(placement.token)}`;
  }

  /** Marks the nodes whose worker is not running. */
  markStopped(stopped: ReadonlySet<string>): void {
    for (const [node, group] of this.groups) setAttr(group, 'data-stopped', stopped.has(node) ? 'true' : undefined);
  }

  /** Lights up a key's preference list and fallbacks; null puts the ring back as it was. */
  highlight(placement: KeyPlacement | null): void {
    this.walkLayer.replaceChildren();
    for (const dot of this.element.querySelectorAll('[data-role]')) dot.removeAttribute('data-role');
    for (const group of this.groups.values()) group.removeAttribute('data-part');
    this.element.classList.toggle('has-key', placement !== null);
    this.showCentre(placement);
    if (placement === null || this.ring === null) return;
    const roles = [
      ...placement.preferenceList.map((node, i) => ({ node, role: 'pref', label: String(i + 1) })),
      ...placement.fallbacks.map((node, i) => ({ node, role: 'fallback', label: `f${i + 1}` })),
    ];
    const stops = walkStops(this.ring.vnodes, placement.token, roles.map((r) => r.node));
    const lastPrimary = stops.get(placement.preferenceList.at(-1) ?? '');
    if (lastPrimary !== undefined) {
      this.walkLayer.append(svg('path', { class: 'walk-arc', 'data-testid': 'ring-walk-arc', d: arcPath(placement.token, lastPrimary.token, CENTRE, RADIUS) }));
    }
    roles.forEach(({ node, role, label }, i) => {
      this.groups.get(node)?.setAttribute('data-part', role);
      const stop = stops.get(node);
      if (stop === undefined) return;
      this.element.querySelector(`circle[data-node="${CSS.escape(node)}"][data-token="${stop.token}"]`)?.setAttribute('data-role', role);
      const at = pointOf(stop.token, CENTRE, LABEL_RADII[i % LABEL_RADII.length] ?? RADIUS);
      this.walkLayer.append(svg('text', { class: `walk-label ${role}`, x: at.x.toFixed(1), y: at.y.toFixed(1), 'data-node': node }, label));
    });
    const key = pointOf(placement.token, CENTRE, RADIUS);
    const inner = pointOf(placement.token, CENTRE, RADIUS - 40);
    this.walkLayer.append(
      svg('line', { class: 'key-ray', x1: inner.x.toFixed(2), y1: inner.y.toFixed(2), x2: key.x.toFixed(2), y2: key.y.toFixed(2) }),
      svg('circle', { class: 'key-marker', 'data-testid': 'ring-key-marker', 'data-token': placement.token, cx: key.x.toFixed(2), cy: key.y.toFixed(2), r: 7 },
        svg('title', {}, `${placement.key} · token ${hex(placement.token)}`)),
    );
  }
}

export function hex(token: number): string {
  return `0x${token.toString(16).padStart(8, '0')}`;
}
