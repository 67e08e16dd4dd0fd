/**
 * Small tools for tests that speak the links' wire protocol by hand on raw sockets.
 */
import type { Socket } from 'node:net';
import { deserialize } from 'node:v8';
import { FrameDecoder } from '../../src/control/links/frame-codec.js';

/** Reads the v8-serialized values of frames arriving on a raw socket, one at a time. */
export class FrameReader {
  private readonly decoder = new FrameDecoder();
  private readonly values: unknown[] = [];
  private waiting: ((value: unknown) => void) | null = null;

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
  }

  next(): Promise<unknown> {
    const value = this.values.shift();
    if (value !== undefined) return Promise.resolve(value);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.socket.once('close', () => reject(new Error('the socket closed before a frame arrived')));
    });
  }

  /** Stops reading (the socket then only writes, or is paused by the test). */
  stop(): void {
    this.socket.off('data', this.onData);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.decoder.push(chunk);
    for (const payload of this.decoder.drain()) {
      const value: unknown = deserialize(payload);
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(value);
      } else {
        this.values.push(value);
      }
    }
  };
}

/** Resolves when the socket has closed (at once if it already has). */
export function closedOf(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
