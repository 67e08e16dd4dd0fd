/** Tabs with hash routing: `#ring` shows <section id="view-ring">, and hides the others. */

export const VIEW_NAMES = ['topology', 'ring', 'health', 'flow', 'performance', 'chaos', 'inspector', 'jobs'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

const DEFAULT_VIEW: ViewName = 'topology';

function isViewName(text: string): text is ViewName {
  return (VIEW_NAMES as readonly string[]).includes(text);
}

export class Router {
  private currentView: ViewName = DEFAULT_VIEW;
  private readonly listeners = new Set<(view: ViewName) => void>();

  constructor() {
    window.addEventListener('hashchange', () => this.route());
  }

  get current(): ViewName {
    return this.currentView;
  }

  isShown(view: ViewName): boolean {
    return this.currentView === view;
  }

  /** Calls `listener` each time a view is shown (first with the one shown at start). */
  onShow(listener: (view: ViewName) => void): void {
    this.listeners.add(listener);
  }

  /** Shows the view the hash names (the topology for an unknown one). */
  route(): void {
    const name = location.hash.replace(/^#/, '');
    this.currentView = isViewName(name) ? name : DEFAULT_VIEW;
    for (const view of VIEW_NAMES) {
      const section = document.getElementById(`view-${view}`);
      if (section !== null) section.hidden = view !== this.currentView;
      const tab = document.querySelector(`[data-testid="tab-${view}"]`);
      tab?.setAttribute('aria-selected', String(view === this.currentView));
      if (view === this.currentView) tab?.setAttribute('aria-current', 'page');
      else tab?.removeAttribute('aria-current');
    }
    for (const listener of this.listeners) listener(this.currentView);
  }
}
