/**
 * The progress of a run of many seeds: one line on stderr, redrawn at most five times a
 * second, shown only when both stdout and stderr are terminals (a redirected or piped run,
 * and --json, stay silent). Lines printed meanwhile (a failing seed) go above it.
 */
import { formatDuration } from './report.js';

export interface SeedProgress {
  /** `done` seeds of the run finished so far, `failed` of them failing. */
  update(done: number, failed: number): void;
  /** Prints `text` on stdout above the bar. */
  print(text: string): void;
  /** Clears the bar. */
  done(): void;
}

export interface ProgressStreams {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

const REDRAW_MS = 200;
const WIDTH = 30;

export function createSeedProgress(
  total: number,
  enabled: boolean,
  streams: ProgressStreams = { out: process.stdout, err: process.stderr },
  clock: () => number = () => performance.now(),
): SeedProgress {
  if (!enabled) return { update: () => undefined, print: (text) => void streams.out.write(`${text}\n`), done: () => undefined };
  const startMs = clock();
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let shown = '';
  let current = { done: 0, failed: 0 };
  const render = (): string => {
    const { done, failed } = current;
    const elapsedMs = clock() - startMs;
    const rate = elapsedMs > 0 ? (1000 * done) / elapsedMs : 0;
    const eta = rate > 0 && done < total ? `, ${formatDuration((1000 * (total - done)) / rate)} left` : '';
    const filled = Math.round((WIDTH * done) / Math.max(1, total));
    return `seeds [${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${done}/${total}, ${failed} failed, ${rate.toFixed(1)} seeds/s${eta}`;
  };
  const draw = (force: boolean): void => {
    const nowMs = clock();
    if (!force && nowMs - lastDrawMs < REDRAW_MS) return;
    lastDrawMs = nowMs;
    shown = render();
    streams.err.write(`\r\x1b[2K${shown}`);
  };
  const clear = (): void => {
    if (shown !== '') streams.err.write('\r\x1b[2K');
    shown = '';
  };
  return {
    update(done, failed) {
      current = { done, failed };
      draw(done >= total);
    },
    print(text) {
      clear();
      streams.out.write(`${text}\n`);
      draw(true);
    },
    done: clear,
  };
}
