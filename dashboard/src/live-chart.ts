/**
 * A Vega-Lite chart fed a stream of rows, keeping the last `windowMs` of them. Rows go into
 * the view's named dataset as changesets (insert the new, remove those out of the window);
 * the whole window is kept here too, so that a chart embedded late (its tab shown for the
 * first time) or again (the theme changed) starts with what was already seen.
 */
import type { View } from 'vega';
import type { Config, TopLevelSpec } from 'vega-lite';
import type { Theme } from './theme.js';

/** A row of a time series: `t` is its time (ms since the epoch). */
export interface TimedRow {
  readonly t: number;
}

export class LiveChart<Row extends TimedRow> {
  private rows: Row[] = [];
  private view: View | null = null;
  private embedding: Promise<void> | null = null;
  /** Rows arrived while the chart was not drawn: the view must take the whole window again. */
  private stale = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly dataset: string,
    private readonly spec: () => TopLevelSpec,
    private readonly config: (theme: Theme) => Config,
    private readonly windowMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Adds rows; `visible` says whether the chart is on screen (drawing a hidden one is wasted). */
  add(rows: readonly Row[], visible: boolean): void {
    if (rows.length === 0) return;
    this.rows.push(...rows);
    this.rows.sort((a, b) => a.t - b.t);
    const cutoff = (this.rows.at(-1)?.t ?? 0) - this.windowMs;
    this.rows = this.rows.filter((row) => row.t >= cutoff);
    if (this.view === null || !visible) {
      this.stale = true;
      return;
    }
    if (this.stale) {
      this.replaceAll(this.view);
      return;
    }
    this.view.change(this.dataset, vega.changeset().insert(rows.map((row) => ({ ...row }))).remove((datum: TimedRow) => datum.t < cutoff));
    this.redraw(this.view);
  }

  /** The chart came on screen: draws it, or brings it up to date. */
  show(theme: Theme): void {
    if (this.view === null) {
      void this.embed(theme);
    } else if (this.stale) {
      this.replaceAll(this.view);
    }
  }

  /** Forgets every row (another controller was selected). */
  clear(): void {
    this.rows = [];
    if (this.view !== null) this.replaceAll(this.view);
  }

  /** Drops the drawn chart, to be drawn again in `theme` now (visible) or when next shown. */
  retheme(theme: Theme, visible: boolean): void {
    this.view?.finalize();
    this.view = null;
    this.container.replaceChildren();
    if (visible) void this.embed(theme);
  }

  private async embed(theme: Theme): Promise<void> {
    if (this.embedding !== null) return this.embedding;
    this.embedding = (async () => {
      try {
        const result = await vegaEmbed(this.container, this.spec(), {
          actions: false,
          renderer: 'svg',
          mode: 'vega-lite',
          // Before the first sample the window is empty, and Vega warns of infinite extents on
          // every run: expected, and noise in the console. Errors still show.
          logLevel: vega.Error,
          config: this.config(theme),
        });
        this.view = result.view;
        this.replaceAll(result.view);
      } catch (error) {
        this.onError(error);
      } finally {
        this.embedding = null;
      }
    })();
    return this.embedding;
  }

  private replaceAll(view: View): void {
    // Copies: vega tags the objects it ingests, and these may be inserted again later.
    view.change(this.dataset, vega.changeset().remove(() => true).insert(this.rows.map((row) => ({ ...row }))));
    this.stale = false;
    this.redraw(view);
  }

  /** A dataset that started empty needs a resize, or the legend and axis titles stay unseen. */
  private redraw(view: View): void {
    view.resize().runAsync().catch(this.onError);
  }
}
