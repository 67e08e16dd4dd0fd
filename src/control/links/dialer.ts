/**
 * Keeps one connection to one peer: opens it, and whenever it ends (a failed connect, a
 * failed handshake, a lost link) opens it again after a backoff, until stopped. The backoff
 * starts over once a connection authenticates. Opening and authenticating are the owner's
 * (`open`); this class only decides when.
 */
import type { Backoff } from './backoff.js';
import { backoffDelayMs } from './backoff.js';
import type { FramedSocket } from './framed-socket.js';

export interface DialerHooks {
  /** Opens a connection to host:port and starts the handshake on it. */
  readonly open: (dialer: Dialer) => FramedSocket;
  /** Called before every attempt after the first. */
  readonly onRetry: () => void;
  readonly random: () => number;
}

export class Dialer {
  private failures = 0;
  private attempts = 0;
  private timer: NodeJS.Timeout | null = null;
  private channel: FramedSocket | null = null;
  private stopped = false;
  /** Why the last attempt failed, so that a peer down for an hour is logged once, not every few seconds. */
  lastFailure: string | null = null;

  constructor(
    readonly peer: string,
    readonly host: string,
    readonly port: number,
    private readonly backoff: Backoff,
    private readonly hooks: DialerHooks,
  ) {}

  start(): void {
    this.attempt();
  }

  /** The current connection authenticated: the next retry, if any, waits the shortest delay. */
  authenticated(): void {
    this.failures = 0;
    this.lastFailure = null;
  }

  /** Stops dialing and closes the current connection, if any. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.channel?.close();
    this.channel = null;
  }

  private attempt(): void {
    this.timer = null;
    if (this.stopped) return;
    if (this.attempts++ > 0) this.hooks.onRetry();
    const channel = this.hooks.open(this);
    this.channel = channel;
    channel.whenEnded(() => {
      if (this.channel !== channel) return;
      this.channel = null;
      this.retryLater();
    });
  }

  private retryLater(): void {
    if (this.stopped) return;
    const delayMs = backoffDelayMs(this.failures++, this.backoff, this.hooks.random());
    this.timer = setTimeout(() => this.attempt(), delayMs);
  }
}
