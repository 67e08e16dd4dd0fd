/**
 * Frames on a TCP link: a 4-byte big-endian unsigned length, then that many bytes of
 * payload. Payloads are v8.serialize'd values (node:v8), the same structured-clone format a
 * MessagePort uses, so an envelope crosses a TCP link exactly as it crosses a port.
 */
import { deserialize, serialize } from 'node:v8';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

export const FRAME_HEADER_BYTES = 4;

/** Largest payload a link accepts by default. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The largest length a 4-byte header can carry. */
const MAX_ENCODABLE_BYTES = 0xffff_ffff;

/** One frame: header and payload in a single buffer, ready for socket.write. */
export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length > MAX_ENCODABLE_BYTES) throw new RangeError(`a frame payload of ${payload.length} bytes does not fit a 4-byte length`);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** A value as the payload of one frame (throws what v8.serialize throws on values it cannot clone). */
export function encodeValue(value: unknown): Buffer {
  return serialize(value);
}

/** The value a payload carries; a payload v8 cannot read is the peer's protocol error. */
export function decodePayload(payload: Buffer): { ok: true; value: unknown } | { ok: false; error: ProtocolError } {
  try {
    return { ok: true, value: deserialize(payload) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: new ProtocolError(ProtocolErrorCode.BadPayload, `unreadable payload of ${payload.length} bytes (${reason})`) };
  }
}

/**
 * Cuts a byte stream into frame payloads, whatever the chunk boundaries. Chunks are kept as
 * they came and copied once, when a frame is complete, so a large frame arriving in many
 * small chunks costs linear, not quadratic, time. A length above the limit is an error as
 * soon as its header is read: the decoder never allocates or waits for the huge body.
 */
export class FrameDecoder {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** The payload length of the frame being read, once its header is in. */
  private expected: number | null = null;
  private failure: ProtocolError | null = null;

  constructor(private maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received but not yet returned as a payload (a header counts once read). */
  get bufferedBytes(): number {
    return this.buffered + (this.expected === null ? 0 : FRAME_HEADER_BYTES);
  }

  /** Changes the limit for frames whose header is not read yet (a link raises it after its handshake). */
  setMaxFrameBytes(maxFrameBytes: number): void {
    this.maxFrameBytes = maxFrameBytes;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.failure) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete payload, or null until more bytes arrive. Throws ProtocolError, then keeps throwing it. */
  next(): Buffer | null {
    if (this.failure) throw this.failure;
    if (this.expected === null) {
      if (this.buffered < FRAME_HEADER_BYTES) return null;
      const length = this.take(FRAME_HEADER_BYTES).readUInt32BE(0);
      if (length > this.maxFrameBytes) {
        this.failure = new ProtocolError(ProtocolErrorCode.FrameTooLarge, `a frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
        this.chunks.length = 0;
        this.buffered = 0;
        throw this.failure;
      }
      this.expected = length;
    }
    if (this.buffered < this.expected) return null;
    const payload = this.take(this.expected);
    this.expected = null;
    return payload;
  }

  /** Every complete payload now buffered. */
  drain(): Buffer[] {
    const payloads: Buffer[] = [];
    for (let payload = this.next(); payload !== null; payload = this.next()) payloads.push(payload);
    return payloads;
  }

  /** Removes the first `count` buffered bytes (count <= buffered). */
  private take(count: number): Buffer {
    this.buffered -= count;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= count) {
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const out = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0] as Buffer;
      const used = Math.min(chunk.length, count - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}
