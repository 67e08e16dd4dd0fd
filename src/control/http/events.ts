/**
 * GET /events: server-sent events for the dashboard. Each ControllerEvent the service
 * publishes goes out as `event: <type>` with the event as JSON, and a `stats` event goes out
 * once a second: one shared ticker per app reads service.stats() once per interval for every
 * open stream, however many requests the cluster serves. The event always goes, with `stats`
 * null when no cluster runs here (or its stats could not be read), because it also carries the
 * controller process's own CPU and memory, which the dashboard draws whether a job runs or not.
 *
 * Every queue has a bound. Each stream has its own queue of events not yet written: when a
 * slow client lets it fill, the oldest stats event (or heartbeat) goes first, as a newer one
 * supersedes it; when only other events are left, the oldest goes and the client is told how
 * many it missed (`event: dropped`), so it can read them again (GET /client_output). The
 * number of open streams is bounded too (503 beyond).
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SSEStreamingApi } from 'hono/streaming';
import type { ClusterStats } from '../../api/cluster.js';
import type { ControllerEvent, ControllerService, ProcessSample } from '../service.js';
import { jsonText } from '../kv-wire.js';
import { HttpErrorCode, describe } from './errors.js';
import type { ApiErrorBody } from './errors.js';
import { checkQuery } from './query.js';

/** Limits and periods of the event streams. */
export interface EventsOptions {
  /** Streams open at once (default 32); one more is refused with 503. */
  readonly maxConnections?: number;
  /** Period of the stats events (default 1000 ms). */
  readonly statsIntervalMs?: number;
  /** Period of the heartbeat comments that keep proxies from closing an idle stream (default 15 s). */
  readonly heartbeatMs?: number;
  /** Events one stream may have waiting to be written (default 256). */
  readonly queueLimit?: number;
  /** The clock stamped on stats events (default Date.now). */
  readonly now?: () => number;
}

const DEFAULTS = { maxConnections: 32, statsIntervalMs: 1000, heartbeatMs: 15_000, queueLimit: 256 } as const;
/** How long a browser waits before it reconnects a stream that broke. */
const RETRY_MS = 2000;

/** One item waiting to be written to a stream. */
interface Pending {
  readonly text: string;
  /** Superseded by a newer item of the same kind (stats, heartbeats): the first to go when full. */
  readonly supersedable: boolean;
}

/** A bounded queue of what one stream still has to write. */
class StreamQueue {
  private readonly items: Pending[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  /** Events dropped since the client was last told. */
  dropped = 0;

  constructor(private readonly limit: number) {}

  push(item: Pending): void {
    if (this.closed) return;
    if (this.items.length >= this.limit) {
      const stale = this.items.findIndex((pending) => pending.supersedable);
      if (stale >= 0) {
        this.items.splice(stale, 1);
      } else {
        this.items.shift();
        this.dropped += 1;
      }
    }
    this.items.push(item);
    this.wake?.();
  }

  /** The next item, waiting for one; undefined once closed. */
  async next(): Promise<Pending | undefined> {
    while (!this.closed) {
      const item = this.items.shift();
      if (item !== undefined) return item;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return undefined;
  }

  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.wake?.();
  }
}

/** Reads the stats once per interval while any stream listens, and hands each to all of them. */
class StatsTicker {
  private readonly listeners = new Set<(event: ControllerEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private failing = false;
  /** The newest stats event, for a stream that opens between two ticks. */
  private last: ControllerEvent | undefined;

  constructor(
    private readonly service: ControllerService,
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Starts listening; the returned function stops. */
  listen(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.last !== undefined) listener(this.last);
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
      void this.tick();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.last = undefined;
      }
    };
  }

  private async tick(): Promise<void> {
    // A stats() slower than the interval is not called again until it answers.
    if (this.reading) return;
    this.reading = true;
    try {
      const stats = await this.readStats();
      if (this.listeners.size === 0) return;
      const event: ControllerEvent = { type: 'stats', stats, process: processSample(), atMs: this.now() };
      this.last = event;
      for (const listener of this.listeners) listener(event);
    } finally {
      this.reading = false;
    }
  }

  /** The cluster's stats, or null (none here, or they could not be read: warned once per run of failures). */
  private async readStats(): Promise<ClusterStats | null> {
    try {
      const stats = await this.service.stats();
      this.failing = false;
      return stats;
    } catch (error) {
      if (!this.failing) this.warn(`/events: the cluster's stats could not be read: ${describe(error)}`);
      this.failing = true;
      return null;
    }
  }
}

/** This process's CPU time and memory so far. */
function processSample(): ProcessSample {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return { cpuUserMicros: cpu.user, cpuSystemMicros: cpu.system, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed };
}

/** Registers GET /events on `app`. */
export function registerEventRoutes(app: Hono, service: ControllerService, options: EventsOptions, warn: (message: string) => void): void {
  const maxConnections = positive(options, 'maxConnections');
  const heartbeatMs = positive(options, 'heartbeatMs');
  const queueLimit = positive(options, 'queueLimit');
  const ticker = new StatsTicker(service, positive(options, 'statsIntervalMs'), options.now ?? Date.now, warn);
  let open = 0;

  app.get('/events', (c: Context) => {
    checkQuery(c, []);
    // Hono answers HEAD with the GET handler and drops the body unread: a stream opened for it
    // would never learn that nobody listens.
    if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    if (open >= maxConnections) {
      return c.json<ApiErrorBody>({ code: HttpErrorCode.Unavailable, message: `too many event streams open (${maxConnections}); try again later` }, 503, { 'Retry-After': '5' });
    }
    open += 1;
    const queue = new StreamQueue(queueLimit);
    const toQueue = (event: ControllerEvent): void => {
      let data: string;
      try {
        data = jsonText(event);
      } catch (error) {
        // Only a value nested too deeply for JSON gets here; the publisher must not see it.
        warn(`/events: a ${event.type} event could not be written: ${describe(error)}`);
        return;
      }
      queue.push({ text: sseEvent(event.type, data), supersedable: event.type === 'stats' });
    };
    let unsubscribe: () => void;
    try {
      unsubscribe = service.subscribe(toQueue);
    } catch (error) {
      open -= 1;
      throw error;
    }
    const stopTicker = ticker.listen(toQueue);
    const heartbeat = setInterval(() => queue.push({ text: ': heartbeat\n\n', supersedable: true }), heartbeatMs);
    heartbeat.unref();
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      open -= 1;
      clearInterval(heartbeat);
      unsubscribe();
      stopTicker();
      queue.close();
    };
    // Whichever tells first that the client went away: the request's signal, or the stream.
    c.req.raw.signal.addEventListener('abort', close, { once: true });
    if (c.req.raw.signal.aborted) close();
    return streamSSE(c, async (stream) => {
      stream.onAbort(close);
      if (closed) return;
      await stream.write(`retry: ${RETRY_MS}\n\n`);
      await pump(stream, queue);
    });
  });
}

/** An option's value or its default; throws (a configuration mistake) unless a positive integer. */
function positive(options: EventsOptions, name: keyof typeof DEFAULTS): number {
  const value = options[name] ?? DEFAULTS[name];
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`events.${name} must be a positive integer, got ${value}`);
  return value;
}

/** Writes what the queue hands out until it closes. */
async function pump(stream: SSEStreamingApi, queue: StreamQueue): Promise<void> {
  for (let item = await queue.next(); item !== undefined; item = await queue.next()) {
    if (queue.dropped > 0) {
      const count = queue.dropped;
      queue.dropped = 0;
      await stream.write(sseEvent('dropped', JSON.stringify({ count })));
    }
    await stream.write(item.text);
  }
}

/** One event in the SSE format; `data` is one line of JSON (JSON text never holds a newline). */
function sseEvent(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}
