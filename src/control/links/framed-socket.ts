/**
 * One TCP connection speaking frames of v8-serialized values, for the handshake and then for
 * the link. It turns everything that can go wrong on a socket into one event, `whenEnded`,
 * fired once and synchronously with its cause, so its owners never see a half-dead
 * connection: a protocol error (garbage, a huge length, a truncated frame), a socket error,
 * the peer closing, or our own close.
 */
import type { Socket } from 'node:net';
import { FRAME_HEADER_BYTES, FrameDecoder, decodePayload, encodeFrame, encodeValue } from './frame-codec.js';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

/** Why a connection ended. */
export type EndCause =
  | { readonly kind: 'local' }
  | { readonly kind: 'remote' }
  | { readonly kind: 'protocol'; readonly error: ProtocolError }
  | { readonly kind: 'socket'; readonly error: Error };

/** Receives each arriving value with the size of the frame that carried it. */
export type FrameReader = (value: unknown, frameBytes: number) => void;

/** How long a graceful close waits for the last writes to drain before destroying the socket. */
const CLOSE_GRACE_MS = 1000;

export class FramedSocket {
  /** Resolves once the socket is fully closed and its handle released. */
  readonly closed: Promise<void>;
  private readonly decoder: FrameDecoder;
  private reader: FrameReader | null = null;
  private cause: EndCause | null = null;
  private readonly endListeners: ((cause: EndCause) => void)[] = [];
  private pumping = false;
  private graceTimer: NodeJS.Timeout | null = null;

  /** @param remote how logs name the other end, e.g. `127.0.0.1:4100` */
  constructor(
    private readonly socket: Socket,
    readonly remote: string,
    maxFrameBytes: number,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', this.onData);
    socket.on('end', this.onRemoteEnd);
    socket.on('error', (error) => this.end({ kind: 'socket', error }));
    socket.on('close', () => {
      if (this.graceTimer) clearTimeout(this.graceTimer);
      this.end({ kind: 'remote' });
    });
    // Nothing is read until someone reads: the bytes wait in the kernel (backpressure).
    socket.pause();
  }

  get ended(): boolean {
    return this.cause !== null;
  }

  /** True while a dialed socket has not connected yet. */
  get connecting(): boolean {
    return this.socket.connecting;
  }

  /** Bytes written but not yet handed to the kernel. */
  get writableLength(): number {
    return this.socket.writableLength;
  }

  /** Calls `listener` once, when the connection ends (at once if it already has). */
  whenEnded(listener: (cause: EndCause) => void): void {
    if (this.cause) listener(this.cause);
    else this.endListeners.push(listener);
  }

  /** Hands arriving values to `reader`; null stops reading (the socket pauses, nothing is lost). */
  read(reader: FrameReader | null): void {
    this.reader = reader;
    if (this.ended) return;
    if (reader === null) {
      this.socket.pause();
      return;
    }
    this.socket.resume();
    this.pump();
  }

  /** Changes the limit for frames not yet started. */
  setMaxFrameBytes(maxFrameBytes: number): void {
    this.decoder.setMaxFrameBytes(maxFrameBytes);
  }

  /** Sends one value as a frame (a handshake message). False once the connection has ended. */
  send(value: unknown): boolean {
    return this.sendPayload(encodeValue(value));
  }

  /** Sends one already serialized payload as a frame. False once the connection has ended. */
  sendPayload(payload: Buffer): boolean {
    if (this.ended) return false;
    this.socket.write(encodeFrame(payload));
    return true;
  }

  /** Closes for a protocol error: at once, without flushing (the peer is not to be trusted). */
  fail(error: ProtocolError): void {
    this.end({ kind: 'protocol', error });
  }

  /** Closes at once for a failure that is not the peer's protocol error (a connect that timed out). */
  abort(error: Error): void {
    this.end({ kind: 'socket', error });
  }

  /** Closes gracefully: what was written still goes out, then the socket is destroyed. */
  close(): void {
    if (this.ended) return;
    this.markEnded({ kind: 'local' });
    if (this.socket.connecting || this.socket.destroyed) {
      this.socket.destroy();
      return;
    }
    // A peer that never reads must not keep the socket open: the grace timer destroys it.
    this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    this.socket.end(() => this.socket.destroy());
  }

  private readonly onData = (chunk: Buffer): void => {
    this.decoder.push(chunk);
    this.pump();
  };

  private readonly onRemoteEnd = (): void => {
    this.pump();
    if (this.ended) return;
    if (this.decoder.bufferedBytes > 0) {
      this.fail(new ProtocolError(ProtocolErrorCode.TruncatedFrame, `the peer closed with ${this.decoder.bufferedBytes} bytes of an unfinished frame`));
    } else {
      this.end({ kind: 'remote' });
    }
  };

  /** Delivers every complete frame while someone reads; a reader may end the connection or stop reading. */
  private pump(): void {
    // A reader that calls read() again (a handshake handing over to the link) must not start
    // a second loop: this one picks up the new reader on its next round.
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.reader !== null && !this.ended) {
        let payload: Buffer | null;
        try {
          payload = this.decoder.next();
        } catch (error) {
          this.fail(error instanceof ProtocolError ? error : new ProtocolError(ProtocolErrorCode.BadPayload, String(error)));
          return;
        }
        if (payload === null) return;
        const decoded = decodePayload(payload);
        if (!decoded.ok) {
          this.fail(decoded.error);
          return;
        }
        this.reader(decoded.value, FRAME_HEADER_BYTES + payload.length);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Ends at once (destroying the socket) with `cause`, unless already ended. */
  private end(cause: EndCause): void {
    if (this.ended) return;
    this.markEnded(cause);
    this.socket.destroy();
  }

  private markEnded(cause: EndCause): void {
    this.cause = cause;
    this.reader = null;
    for (const listener of this.endListeners.splice(0)) listener(cause);
  }
}
