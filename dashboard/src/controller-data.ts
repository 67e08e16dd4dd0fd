/**
 * What the dashboard knows of the selected controller: its status and ring (fetched), and
 * the stream of its events, with each `stats` event turned into a frame that carries the
 * rates since the previous one. Views subscribe to `events`; selecting another controller
 * emits `reset`, and answers still on their way from the previous one are dropped.
 */
import { ApiError, type Api } from './api.js';
import type { ActorStatus, ClientOutputLine, ControllerRef, ControllerStatus, JobSummary, PerformanceSample, RingView } from './contracts.js';
import { Emitter } from './emitter.js';
import type { Report } from './error-area.js';
import { EventStream, type ConnectionState, type StreamEvent } from './events.js';
import { computeRates, type Rates, type StatsSample } from './rates.js';

/** One `stats` event and the rates since the one before. */
export interface StatsFrame extends StatsSample {
  readonly rates: Rates;
}

export interface DataEvents {
  /** Another controller was selected: forget what was shown. */
  reset: ControllerRef;
  status: ControllerStatus;
  /** null: no job runs on this controller. */
  ring: RingView | null;
  frame: StatsFrame;
  performance: PerformanceSample;
  job: JobSummary;
  'job-output': { readonly job: string; readonly line: string };
  'client-output': { readonly client: string; readonly line: ClientOutputLine };
  actor: ActorStatus;
  /** The server skipped this many events for this page: what they carried must be read again. */
  dropped: number;
  connection: ConnectionState;
}

/** After an `actor` or `job` event, status and ring are read again once things settle. */
const REFRESH_DELAY_MS = 300;

export class ControllerData {
  readonly events = new Emitter<DataEvents>();
  private selected: { readonly ref: ControllerRef; readonly api: Api } | null = null;
  private stream: EventStream | null = null;
  /** Bumped on each selection, so that late answers for an earlier one are ignored. */
  private generation = 0;
  private refreshTimer: number | undefined;
  status: ControllerStatus | null = null;
  /** undefined until read; null when no job runs here. */
  ring: RingView | null | undefined = undefined;
  frame: StatsFrame | null = null;

  constructor(
    private readonly makeApi: (ref: ControllerRef) => Api,
    private readonly report: Report,
  ) {}

  get api(): Api {
    if (this.selected === null) throw new Error('no controller selected yet');
    return this.selected.api;
  }

  get controller(): ControllerRef | null {
    return this.selected?.ref ?? null;
  }

  select(ref: ControllerRef): void {
    this.stream?.close();
    window.clearTimeout(this.refreshTimer);
    this.generation += 1;
    this.selected = { ref, api: this.makeApi(ref) };
    this.status = null;
    this.ring = undefined;
    this.frame = null;
    this.events.emit('reset', ref);
    this.stream = new EventStream(this.api.url('/events'), {
      event: (event) => this.onEvent(event),
      connection: (state) => this.events.emit('connection', state),
      // Find out why: a 401 brings up the login form, other errors are shown.
      refused: () => void this.refreshStatus(),
      malformed: (type, error) => this.report(`A '${type}' event from ${ref.name} could not be read`, error),
    });
    this.stream.open();
    void this.refresh();
  }

  /** Reads the status, then the ring (the status says whether there is one to read). */
  async refresh(): Promise<void> {
    await this.refreshStatus();
    await this.refreshRing();
  }

  async refreshStatus(): Promise<void> {
    const generation = this.generation;
    try {
      const status = await this.api.get<ControllerStatus>('/status');
      if (generation !== this.generation) return;
      this.status = status;
      this.events.emit('status', status);
    } catch (error) {
      if (generation === this.generation) this.report(`Reading the status of ${this.selected?.ref.name}`, error);
    }
  }

  async refreshRing(): Promise<void> {
    const generation = this.generation;
    if (this.status !== null && !hasJob(this.status)) {
      this.ring = null;
      this.events.emit('ring', null);
      return;
    }
    try {
      const ring = await this.api.get<RingView>('/ring');
      if (generation !== this.generation) return;
      this.ring = ring;
      this.events.emit('ring', ring);
    } catch (error) {
      if (generation !== this.generation) return;
      if (noJobHere(error)) {
        this.ring = null;
        this.events.emit('ring', null);
      } else {
        this.report(`Reading the ring of ${this.selected?.ref.name}`, error);
      }
    }
  }

  private onEvent(event: StreamEvent): void {
    switch (event.type) {
      case 'stats': {
        const sample: StatsSample = { atMs: event.atMs, stats: event.stats, process: event.process };
        this.frame = { ...sample, rates: computeRates(this.frame, sample) };
        this.events.emit('frame', this.frame);
        return;
      }
      case 'actor':
        this.events.emit('actor', event.actor);
        this.refreshSoon();
        return;
      case 'job':
        this.events.emit('job', event.job);
        this.refreshSoon();
        return;
      case 'job-output':
        this.events.emit('job-output', { job: event.job, line: event.line });
        return;
      case 'client-output':
        this.events.emit('client-output', { client: event.client, line: event.line });
        return;
      case 'performance':
        this.events.emit('performance', event.sample);
        return;
      case 'dropped':
        this.events.emit('dropped', event.count);
        return;
      default:
        assertNever(event);
    }
  }

  private refreshSoon(): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }
}

/**
 * Whether a job placed anything on the controller. Asking for the ring of one that has none
 * would only get a 404 (which the browser logs as an error), so the ring is not read then.
 */
export function hasJob(status: ControllerStatus): boolean {
  return status.cluster !== null;
}

/** The ring's 400/404: the controller hosts no job, which is a state to show, not an error. */
export function noJobHere(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 400);
}

function assertNever(value: never): never {
  throw new Error(`unexpected event ${JSON.stringify(value)}`);
}
