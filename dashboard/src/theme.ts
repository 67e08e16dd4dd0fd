/**
 * Light and dark themes. The page follows prefers-color-scheme (style.css does that without
 * script) until the person picks one with the toggle; the pick is kept in localStorage.
 */

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'dynamo-dashboard-theme';

export class ThemeControl {
  private readonly media = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly listeners = new Set<(theme: Theme) => void>();

  constructor(private readonly toggle: HTMLButtonElement) {
    this.apply();
    toggle.addEventListener('click', () => {
      const next: Theme = this.current === 'dark' ? 'light' : 'dark';
      // Picking the system's own theme forgets the pick, so the page follows the system again.
      if (next === this.systemTheme) localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, next);
      this.apply();
    });
    this.media.addEventListener('change', () => this.apply());
  }

  get current(): Theme {
    const picked = localStorage.getItem(STORAGE_KEY);
    return picked === 'light' || picked === 'dark' ? picked : this.systemTheme;
  }

  /** Calls `listener` whenever the theme changes (charts draw in the theme's colours). */
  onChange(listener: (theme: Theme) => void): void {
    this.listeners.add(listener);
  }

  private get systemTheme(): Theme {
    return this.media.matches ? 'dark' : 'light';
  }

  private apply(): void {
    const theme = this.current;
    if (document.documentElement.dataset.theme === theme) return;
    document.documentElement.dataset.theme = theme;
    this.toggle.setAttribute('aria-pressed', String(theme === 'dark'));
    this.toggle.textContent = theme === 'dark' ? 'Light theme' : 'Dark theme';
    this.toggle.dataset.theme = theme;
    for (const listener of this.listeners) listener(theme);
  }
}
