/**
 * A one-line progress bar on stderr, shown only when stdout is a terminal: redirected or
 * piped runs (and --json) stay silent.
 */
export interface Progress {
  /** Starts a new bar for `total` steps of `label`. */
  start(label: string, total: number): void;
  advance(steps?: number): void;
  done(): void;
}

const SILENT: Progress = { start: () => undefined, advance: () => undefined, done: () => undefined };

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return SILENT;
  let label = '';
  let total = 1;
  let current = 0;
  let lastDrawnPercent = -1;
  let lastDrawnMs = Number.NEGATIVE_INFINITY;
  // A terminal write is synchronous and lands between measured requests: redraw at most ten
  // times a second, and at the end.
  const draw = (): void => {
    const percent = Math.floor((100 * current) / total);
    const nowMs = performance.now();
    if (percent === lastDrawnPercent || (nowMs - lastDrawnMs < 100 && current < total)) return;
    lastDrawnPercent = percent;
    lastDrawnMs = nowMs;
    const width = 30;
    const filled = Math.round((width * current) / total);
    stream.write(`\r${label.padEnd(24).slice(0, 24)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(percent).padStart(3)}% ${current}/${total}`);
  };
  return {
    start(nextLabel, nextTotal) {
      label = nextLabel;
      total = Math.max(1, nextTotal);
      current = 0;
      lastDrawnPercent = -1;
      lastDrawnMs = Number.NEGATIVE_INFINITY;
      draw();
    },
    advance(steps = 1) {
      current = Math.min(total, current + steps);
      draw();
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
