/**
 * A colour per Dynamo node, the same in every view: the ring's vnodes, its legend and the
 * preference list. Twenty colours that stay apart on light and dark backgrounds; a ring of
 * more nodes reuses them in order.
 */
import { compareNames } from './natural-order.js';

const COLOURS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
] as const;

export class Palette {
  private readonly byNode = new Map<string, string>();

  /** Gives the ring's nodes their colours, in reading order so that n1 is always the first. */
  assign(nodes: readonly string[]): void {
    this.byNode.clear();
    [...nodes].sort(compareNames).forEach((node, i) => this.byNode.set(node, COLOURS[i % COLOURS.length] ?? COLOURS[0]));
  }

  colourOf(node: string): string {
    return this.byNode.get(node) ?? 'var(--muted)';
  }
}
