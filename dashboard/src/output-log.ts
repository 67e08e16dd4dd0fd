/**
 * A bounded log in a <pre>: lines are appended as text nodes (the log is never rebuilt for
 * one more line), the oldest go past MAX_LINES, and it follows its end unless the person
 * scrolled up to read.
 */
import { h } from './dom.js';

const MAX_LINES = 2000;

export class OutputLog {
  readonly element: HTMLPreElement;
  private following = true;
  /** Whether the log has a box on screen: scrolling a hidden one would force a layout of the page for nothing. */
  private rendered = false;

  constructor(attributes: Record<string, string>) {
    this.element = h('pre', { class: 'log', tabindex: 0, ...attributes });
    const pre = this.element;
    pre.addEventListener('scroll', () => {
      // A hidden log has no layout: its scroll position says nothing of what the person wants.
      if (pre.clientHeight > 0) this.following = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    });
    // Lines appended while the log was hidden (another tab shown) were not scrolled to:
    // scroll when it gets a box again.
    new ResizeObserver((entries) => {
      this.rendered = entries.some((entry) => entry.contentRect.height > 0);
      this.scrollIfFollowing();
    }).observe(pre);
  }

  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const pre = this.element;
    pre.append(...lines.map((line) => `${line}\n`));
    while (pre.childNodes.length > MAX_LINES) pre.firstChild?.remove();
    this.scrollIfFollowing();
  }

  replace(lines: readonly string[]): void {
    this.element.replaceChildren();
    this.append(lines.slice(-MAX_LINES));
  }

  private scrollIfFollowing(): void {
    if (this.following && this.rendered) this.element.scrollTop = this.element.scrollHeight;
  }
}
