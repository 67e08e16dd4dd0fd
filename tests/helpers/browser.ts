/**
 * Debian's chromium driven by playwright-core, for the dashboard's tests: never a browser
 * download (.ci/run installs the package when missing). Every page is watched: its errors
 * and console errors are collected, and every request to a host other than 127.0.0.1 is
 * aborted and recorded, so a test can assert that nothing left the machine.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The binary itself starts faster than Debian's /usr/bin/chromium wrapper script. */
const CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

export function chromiumPath(): string {
  const found = CHROMIUM_PATHS.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`Debian's chromium is not installed (looked for ${CHROMIUM_PATHS.join(', ')}): apt-get install chromium (.ci/run does)`);
  return found;
}

export function launchBrowser(): Promise<Browser> {
  // As root, chromium's sandbox cannot start: the tests load only our own pages.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'], timeout: 30_000 });
}

export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught exceptions and console errors, as text. */
  readonly errors: string[];
  /** Requests to a host other than 127.0.0.1 (each was aborted). */
  readonly offMachine: string[];
}

export async function openWatchedPage(browser: Browser, options: { readonly colorScheme?: 'light' | 'dark' } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const errors: string[] = [];
  const offMachine: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = (url.protocol === 'http:' && url.hostname === '127.0.0.1') || url.protocol === 'data:' || url.protocol === 'blob:';
    if (local) return route.continue();
    offMachine.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A stream closed by the test's end, or a 401 before sign-in, is logged by the browser itself.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 401|net::ERR_/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors, offMachine };
}
