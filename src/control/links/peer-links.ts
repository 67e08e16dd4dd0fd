/**
 * The TCP links between node controllers: one authenticated connection per controller pair,
 * carrying the envelopes between the Dynamo nodes they host. Which side dials is the
 * caller's choice (the controller with the lower name dials, the other only accepts).
 *
 * A link is not a queue: without an authenticated connection, or with a socket that stopped
 * draining, an envelope is dropped and counted. Dynamo is built for message loss (request
 * deadlines, hinted handoff, anti-entropy), and a queue that grows while a peer is away
 * would only turn a partition into an out-of-memory crash.
 */
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Envelope } from '../../transport/envelope.js';
import { MAX_ENDPOINT_ID_LENGTH } from '../../transport/envelope.js';
import type { Backoff } from './backoff.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import type { LinkStats } from './counters.js';
import { newLinkStats } from './counters.js';
import { Dialer } from './dialer.js';
import { DEFAULT_MAX_FRAME_BYTES } from './frame-codec.js';
import { FramedSocket } from './framed-socket.js';
import type { EndCause } from './framed-socket.js';
import { acceptHandshake, dialHandshake } from './handshake.js';
import type { HandshakeOutcome, HandshakeParams } from './handshake.js';
import { HANDSHAKE_MAX_FRAME_BYTES, makeProver, quoted } from './handshake-messages.js';
import { Link } from './link.js';

export interface PeerLinksOptions {
  /** This controller's name; without it (and the secret), `configure` gives them later. */
  readonly self?: string;
  /** The cluster secret: proven in handshakes, never sent, never logged. */
  readonly secret?: string;
  /** Largest frame payload accepted and sent; default 16 MiB. Every controller must use the same. */
  readonly maxFrameBytes?: number;
  /** Above this many bytes waiting in a socket, envelopes to that peer are dropped; default 64 MiB. */
  readonly maxWriteBufferBytes?: number;
  readonly log?: (line: string) => void;
  /** Dialers' delay between attempts: doubling from initialMs to maxMs, with jitter; default 100 ms .. 5 s. */
  readonly backoff?: Backoff;
  /** Time to connect and authenticate; default 5 s. */
  readonly handshakeTimeoutMs?: number;
}

const DEFAULT_MAX_WRITE_BUFFER_BYTES = 64 * 1024 * 1024;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;
/** Accepted connections still in their handshake; more are closed at once (they cost a socket each until their timeout). */
const MAX_PENDING_ACCEPTS = 128;

export class PeerLinks {
  /** Null until configured: a controller that runs no job yet accepts no peer. */
  private handshake: HandshakeParams | null = null;
  private readonly handshakeTimeoutMs: number;
  private readonly maxFrameBytes: number;
  private readonly maxWriteBufferBytes: number;
  private readonly backoff: Backoff;
  private readonly log: (line: string) => void;
  private readonly counters: LinkStats = newLinkStats();
  private readonly links = new Map<string, Link>();
  private readonly dialers = new Map<string, Dialer>();
  /** Every socket not yet fully closed, authenticated or not. */
  private readonly channels = new Set<FramedSocket>();
  private pendingAccepts = 0;
  private server: Server | null = null;
  private closing: Promise<void> | null = null;
  private envelopeHandler: (peer: string, envelopes: readonly Envelope[]) => void = () => undefined;
  private peerHandler: (peer: string, connected: boolean) => void = () => undefined;

  constructor(options: PeerLinksOptions) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!(this.maxFrameBytes >= HANDSHAKE_MAX_FRAME_BYTES && this.maxFrameBytes <= 0xffff_ffff)) throw new RangeError(`maxFrameBytes must be between ${HANDSHAKE_MAX_FRAME_BYTES} and 2^32 - 1`);
    this.maxWriteBufferBytes = options.maxWriteBufferBytes ?? DEFAULT_MAX_WRITE_BUFFER_BYTES;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.log = options.log ?? (() => undefined);
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    if (options.self !== undefined || options.secret !== undefined) this.configure(options.self ?? '', options.secret ?? '');
  }

  /**
   * Names this controller and sets the secret peers must prove. A node controller listens
   * from the start but learns both from the first job placed on it; a new name or secret
   * (the next job) drops every connection made under the old ones.
   */
  configure(self: string, secret: string, peers?: readonly string[]): void {
    if (self.length === 0 || self.length > MAX_ENDPOINT_ID_LENGTH) throw new RangeError(`a controller name has 1 to ${MAX_ENDPOINT_ID_LENGTH} characters`);
    // The message names the problem, never the secret.
    if (secret.length === 0) throw new RangeError('the cluster secret must not be empty');
    if (this.handshake && this.handshake.self === self && this.configuredSecret === secret) return;
    if (this.handshake) {
      for (const peer of [...new Set([...this.dialers.keys(), ...this.links.keys()])]) this.forget(peer);
    }
    this.configuredSecret = secret;
    this.allowedPeers = peers === undefined ? null : new Set(peers);
    this.handshake = { self, prover: makeProver(secret), timeoutMs: this.handshakeTimeoutMs };
  }

  /** The controllers of the job: a peer proving the secret under another name is refused. Null: every name is accepted. */
  private allowedPeers: ReadonlySet<string> | null = null;

  /** Kept only to tell a repeated configure from a new one; never logged. */
  private configuredSecret: string | undefined;

  /** Listens for peers; resolves the bound port (0 = any free port). */
  listen(host: string, port: number): Promise<number> {
    if (this.closing) return Promise.reject(new Error('PeerLinks is closed'));
    if (this.server) return Promise.reject(new Error('PeerLinks is already listening'));
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (error) => {
        this.server = null;
        reject(error);
      });
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        server.on('error', (error) => this.log(`links ${this.self}: listener error: ${error.message}`));
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** Keeps one connection to `peer` at host:port: connects, authenticates, and reconnects with backoff whenever it drops, until forget(peer) or close(). */
  dial(peer: string, host: string, port: number): void {
    if (this.closing) return;
    if (!this.handshake) throw new RangeError('links: configure() this controller before dialing');
    if (peer === this.self) throw new RangeError(`a controller does not dial itself (${quoted(peer)})`);
    const current = this.dialers.get(peer);
    if (current && current.host === host && current.port === port) return;
    current?.stop();
    const dialer = new Dialer(peer, host, port, this.backoff, { open: (d) => this.open(d), onRetry: () => this.counters.reconnects++, random: Math.random });
    this.dialers.set(peer, dialer);
    dialer.start();
  }

  /** Stops dialing `peer` and closes the connection to it, whichever side opened it. */
  forget(peer: string): void {
    this.dialers.get(peer)?.stop();
    this.dialers.delete(peer);
    this.links.get(peer)?.close();
  }

  /** Queues an envelope for `peer`; everything queued in one event-loop turn goes out as one frame. Dropped and counted without an authenticated connection or when the socket is not draining. */
  send(peer: string, envelope: Envelope): void {
    const link = this.links.get(peer);
    if (!link || !link.enqueue(envelope)) this.counters.envelopesDropped++;
  }

  /** The single handler for arriving envelopes (checked to be envelopes; their messages are not). */
  onEnvelopes(handler: (peer: string, envelopes: readonly Envelope[]) => void): void {
    this.envelopeHandler = handler;
  }

  /** Called when a peer's connection becomes authenticated or is lost. */
  onPeerChange(handler: (peer: string, connected: boolean) => void): void {
    this.peerHandler = handler;
  }

  /** The peers with an authenticated connection now. */
  connected(): string[] {
    return [...this.links.keys()];
  }

  stats(): LinkStats {
    return { ...this.counters };
  }

  /** Closes every socket and the listener; stops reconnecting; resolves when all is closed. Safe twice. */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private get self(): string {
    return this.handshake?.self ?? '(unconfigured)';
  }

  private async closeAll(): Promise<void> {
    for (const dialer of this.dialers.values()) dialer.stop();
    this.dialers.clear();
    for (const link of [...this.links.values()]) link.close();
    for (const channel of this.channels) channel.close();
    const server = this.server;
    const serverClosed = server?.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await Promise.all([serverClosed, ...[...this.channels].map((channel) => channel.closed)]);
  }

  private accept(socket: Socket): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (this.closing || this.pendingAccepts >= MAX_PENDING_ACCEPTS) {
      if (!this.closing) {
        this.counters.connectionsRefused++;
        this.log(`links ${this.self}: refused connection from ${remote}: ${MAX_PENDING_ACCEPTS} handshakes already pending`);
      }
      socket.destroy();
      return;
    }
    const handshake = this.handshake;
    if (!handshake) {
      this.counters.connectionsRefused++;
      this.log(`links: refused connection from ${remote}: this controller runs no job yet`);
      socket.destroy();
      return;
    }
    this.pendingAccepts++;
    const channel = this.track(socket, remote);
    acceptHandshake(channel, handshake, (outcome) => {
      this.pendingAccepts--;
      this.handshakeDone(channel, outcome, `connection from ${remote}`, null, handshake);
    });
  }

  private open(dialer: Dialer): FramedSocket {
    const channel = this.track(connect({ host: dialer.host, port: dialer.port }), `${dialer.host}:${dialer.port}`);
    const handshake = this.handshake;
    // dial() refuses before configure(), and configure() never unsets: this is a broken invariant.
    if (!handshake) throw new Error('links: dialing before configure()');
    dialHandshake(channel, { ...handshake, peer: dialer.peer }, (outcome) => this.handshakeDone(channel, outcome, `connection to ${quoted(dialer.peer)} at ${channel.remote}`, dialer, handshake));
    return channel;
  }

  /** Wraps a new socket; counts and logs its protocol error, if it ends with one. */
  private track(socket: Socket, remote: string): FramedSocket {
    const channel = new FramedSocket(socket, remote, HANDSHAKE_MAX_FRAME_BYTES);
    this.channels.add(channel);
    void channel.closed.then(() => this.channels.delete(channel));
    channel.whenEnded((cause) => {
      if (cause.kind !== 'protocol') return;
      this.counters.protocolErrors++;
      this.log(`links ${this.self}: protocol error on the connection with ${remote}, closed it: ${cause.error.message}`);
    });
    return channel;
  }

  private handshakeDone(channel: FramedSocket, outcome: HandshakeOutcome, what: string, dialer: Dialer | null, under: HandshakeParams): void {
    if (outcome.ok && (this.handshake !== under || (this.allowedPeers !== null && !this.allowedPeers.has(outcome.peer)))) {
      // Proven under the settings of a job that has since been replaced, or by a controller
      // that is not one of this job's: its envelopes would reach nodes of the wrong job.
      this.counters.connectionsRefused++;
      this.log(`links ${this.self}: refused ${what} (${quoted(outcome.peer)}): ${this.handshake !== under ? 'it was authenticated for an earlier job' : 'not a controller of this job'}`);
      channel.close();
      return;
    }
    if (outcome.ok) {
      dialer?.authenticated();
      this.authenticated(channel, outcome.peer);
    } else if (outcome.refused) {
      this.counters.connectionsRefused++;
      this.log(`links ${this.self}: refused ${what}${outcome.peer === null ? '' : ` (claims to be ${quoted(outcome.peer)})`}: ${outcome.reason}`);
    } else if (dialer && dialer.lastFailure !== outcome.reason) {
      dialer.lastFailure = outcome.reason;
      this.log(`links ${this.self}: ${what} failed: ${outcome.reason} (retrying with backoff)`);
    }
  }

  /** A connection proved the secret: it becomes the link to `peer`, replacing an older one (the peer restarted). */
  private authenticated(channel: FramedSocket, peer: string): void {
    if (this.closing) {
      channel.close();
      return;
    }
    const link = new Link(peer, channel, { maxFrameBytes: this.maxFrameBytes, maxWriteBufferBytes: this.maxWriteBufferBytes, stats: this.counters, deliver: (from, envelopes) => this.deliver(from, envelopes) });
    const older = this.links.get(peer);
    if (older) {
      link.adopt(older.takeQueue());
      this.log(`links ${this.self}: a new connection from ${quoted(peer)} replaces the one at ${older.remote}`);
      older.close();
    }
    this.links.set(peer, link);
    channel.whenEnded((cause) => this.linkEnded(link, cause));
    this.log(`links ${this.self}: linked with ${quoted(peer)} at ${channel.remote}`);
    this.notify(peer, true);
    link.start();
  }

  private linkEnded(link: Link, cause: EndCause): void {
    if (this.links.get(link.peer) !== link) return;
    this.links.delete(link.peer);
    if (cause.kind === 'remote' || cause.kind === 'socket') this.log(`links ${this.self}: lost the link with ${quoted(link.peer)}${cause.kind === 'socket' ? `: ${cause.error.message}` : ''}`);
    this.notify(link.peer, false);
  }

  /** Handlers are the caller's code: an exception there is logged, never thrown into the socket's event. */
  private deliver(peer: string, envelopes: readonly Envelope[]): void {
    try {
      this.envelopeHandler(peer, envelopes);
    } catch (error) {
      this.log(`links ${this.self}: the envelope handler threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private notify(peer: string, connected: boolean): void {
    try {
      this.peerHandler(peer, connected);
    } catch (error) {
      this.log(`links ${this.self}: the peer-change handler threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
