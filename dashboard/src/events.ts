/**
 * GET /events as an EventSource. The browser reconnects a broken stream by itself; while it
 * does, the connection state is 'reconnecting' (the header shows a badge). When the browser
 * gives up (the server answered with an error status instead of a stream), this reopens the
 * stream itself after a growing pause, and says so, so that the caller can find out why.
 */
import type { ControllerEvent } from './contracts.js';

/** Every event of the stream: the controller's, and `dropped` (events the server had to skip). */
export type StreamEvent = ControllerEvent | { readonly type: 'dropped'; readonly count: number };

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface StreamHandlers {
  readonly event: (event: StreamEvent) => void;
  readonly connection: (state: ConnectionState) => void;
  /** The browser stopped retrying: the server refused the stream (a 401, 503, ...). */
  readonly refused: () => void;
  /** An event whose data was not JSON: a bug on one side, reported rather than ignored. */
  readonly malformed: (type: string, error: unknown) => void;
}

const CONTROLLER_EVENTS: readonly ControllerEvent['type'][] = ['actor', 'stats', 'client-output', 'performance', 'job', 'job-output'];
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

export class EventStream {
  private source: EventSource | null = null;
  private retryTimer: number | undefined;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly handlers: StreamHandlers,
  ) {}

  open(): void {
    this.handlers.connection('connecting');
    const source = new EventSource(this.url);
    this.source = source;
    source.addEventListener('open', () => {
      this.retryMs = FIRST_RETRY_MS;
      this.handlers.connection('open');
    });
    source.addEventListener('error', () => this.onError(source));
    for (const type of CONTROLLER_EVENTS) {
      source.addEventListener(type, (message) => this.deliver(type, message, (data) => data as ControllerEvent));
    }
    source.addEventListener('dropped', (message) =>
      this.deliver('dropped', message, (data) => ({ type: 'dropped', count: (data as { count: number }).count })),
    );
  }

  close(): void {
    this.closed = true;
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
  }

  /**
   * Parses one event's data. The server writes each ControllerEvent whole as the data of an
   * event named by its type; `toEvent` gives the parsed JSON its type in the union.
   */
  private deliver(type: string, message: MessageEvent<string>, toEvent: (data: unknown) => StreamEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch (error) {
      this.handlers.malformed(type, error);
      return;
    }
    this.handlers.event(toEvent(data));
  }

  private onError(source: EventSource): void {
    if (this.closed || source !== this.source) return;
    this.handlers.connection('reconnecting');
    if (source.readyState !== EventSource.CLOSED) return;
    // The browser will not retry after an error status: retry here, less often each time.
    this.handlers.refused();
    this.retryTimer = window.setTimeout(() => {
      if (!this.closed) this.open();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
