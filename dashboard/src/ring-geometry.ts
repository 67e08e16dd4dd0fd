/**
 * Where things sit on the ring drawing: a token (a 32-bit position) as an angle, clockwise
 * from the top, and the vnodes a preference-list walk stops at. Pure.
 */
import type { RingVnode } from './contracts.js';

const TOKENS = 2 ** 32;

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The point of `token` on a circle of `radius` around `centre`; token 0 is at the top. */
export function pointOf(token: number, centre: Point, radius: number): Point {
  const angle = (token / TOKENS) * 2 * Math.PI;
  return { x: centre.x + radius * Math.sin(angle), y: centre.y - radius * Math.cos(angle) };
}

/** An SVG path along the circle, clockwise from token `from` to token `to`. */
export function arcPath(from: number, to: number, centre: Point, radius: number): string {
  const span = (((to - from) % TOKENS) + TOKENS) % TOKENS;
  const start = pointOf(from, centre, radius);
  const end = pointOf(to, centre, radius);
  const largeArc = span > TOKENS / 2 ? 1 : 0;
  return `M ${start.x.toFixed(2)} ${start.y.toFixed(2)} A ${radius} ${radius} 0 ${largeArc} 1 ${end.x.toFixed(2)} ${end.y.toFixed(2)}`;
}

/**
 * For each of `nodes`, the first of its vnodes clockwise from `token` (at or after it): where
 * the walk that built the preference list met that node. Nodes without vnodes are left out.
 */
export function walkStops(vnodes: readonly RingVnode[], token: number, nodes: readonly string[]): Map<string, RingVnode> {
  const ordered = [...vnodes].sort((a, b) => a.token - b.token);
  const start = ordered.findIndex((vnode) => vnode.token >= token);
  const rotated = start < 0 ? ordered : [...ordered.slice(start), ...ordered.slice(0, start)];
  const wanted = new Set(nodes);
  const stops = new Map<string, RingVnode>();
  for (const vnode of rotated) {
    if (wanted.has(vnode.node) && !stops.has(vnode.node)) stops.set(vnode.node, vnode);
    if (stops.size === wanted.size) break;
  }
  return stops;
}
