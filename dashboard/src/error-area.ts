/**
 * The visible error area: every failed call the person started, or that a view needs, is
 * shown here with the server's message, newest first, until dismissed.
 */
import { ApiError } from './api.js';
import { h } from './dom.js';

/** How many messages stay listed: older ones go. */
const KEPT = 5;

export class ErrorArea {
  private readonly list: HTMLUListElement;

  constructor(private readonly root: HTMLElement) {
    this.list = h('ul', { class: 'error-list' });
    const dismiss = h('button', { type: 'button', class: 'error-dismiss', 'data-testid': 'error-dismiss', 'aria-label': 'Dismiss errors' }, 'Dismiss');
    dismiss.addEventListener('click', () => this.clear());
    root.replaceChildren(this.list, dismiss);
    root.hidden = true;
  }

  /** Shows `doing` and why it failed. A 401 shows nothing here: the login form is the answer to it. */
  report(doing: string, error: unknown): void {
    if (error instanceof ApiError && error.status === 401) return;
    this.show(`${doing}: ${messageOf(error)}`);
  }

  show(message: string): void {
    const item = h('li', { 'data-testid': 'error-message' }, h('time', {}, new Date().toLocaleTimeString('en-GB', { hour12: false })), ' ', message);
    this.list.prepend(item);
    while (this.list.children.length > KEPT) this.list.lastElementChild?.remove();
    this.root.hidden = false;
  }

  clear(): void {
    this.list.replaceChildren();
    this.root.hidden = true;
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** What views take to report failures. */
export type Report = (doing: string, error: unknown) => void;
