/**
 * An authenticated connection to one peer: it batches the envelopes sent to the peer in one
 * event-loop turn into one frame (as src/transport/batcher.ts does for a MessagePort), and
 * hands arriving frames, once checked to be envelope lists, to the owner.
 */
import type { Envelope } from '../../transport/envelope.js';
import { envelopeList } from '../../transport/envelope.js';
import type { LinkStats } from './counters.js';
import { packEnvelopes } from './envelope-packer.js';
import { FRAME_HEADER_BYTES } from './frame-codec.js';
import type { FramedSocket } from './framed-socket.js';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

export interface LinkSettings {
  readonly maxFrameBytes: number;
  /** Above this many bytes waiting in the socket, envelopes are dropped rather than queued. */
  readonly maxWriteBufferBytes: number;
  readonly stats: LinkStats;
  readonly deliver: (peer: string, envelopes: readonly Envelope[]) => void;
}

export class Link {
  private queue: Envelope[] = [];
  private flushing: NodeJS.Immediate | null = null;

  constructor(
    readonly peer: string,
    private readonly channel: FramedSocket,
    private readonly settings: LinkSettings,
  ) {
    channel.setMaxFrameBytes(settings.maxFrameBytes);
    // Whatever is still queued when the connection ends was never sent: it is lost.
    channel.whenEnded(() => this.discardQueue());
  }

  get remote(): string {
    return this.channel.remote;
  }

  /** Starts reading the peer's frames. */
  start(): void {
    this.channel.read(this.onFrame);
  }

  /** Queues an envelope for this turn's frame; false (dropped) when the connection is gone or its write buffer is full. */
  enqueue(envelope: Envelope): boolean {
    if (this.channel.ended || this.channel.writableLength > this.settings.maxWriteBufferBytes) return false;
    this.queue.push(envelope);
    this.flushing ??= setImmediate(this.flush);
    return true;
  }

  /** Hands over what is queued and not yet sent (to the connection replacing this one). */
  takeQueue(): Envelope[] {
    const queue = this.queue;
    this.queue = [];
    return queue;
  }

  /** Queues envelopes taken from the connection this one replaces. */
  adopt(envelopes: readonly Envelope[]): void {
    for (const envelope of envelopes) if (!this.enqueue(envelope)) this.settings.stats.envelopesDropped++;
  }

  /** Sends what is queued, then closes gracefully. */
  close(): void {
    this.flush();
    this.channel.close();
  }

  private readonly flush = (): void => {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    const batch = this.takeQueue();
    if (batch.length === 0) return;
    const { stats } = this.settings;
    if (this.channel.ended) {
      stats.envelopesDropped += batch.length;
      return;
    }
    const { payloads, dropped } = packEnvelopes(batch, this.settings.maxFrameBytes);
    stats.envelopesDropped += dropped;
    for (const payload of payloads) {
      this.channel.sendPayload(payload);
      stats.framesSent++;
      stats.bytesSent += FRAME_HEADER_BYTES + payload.length;
    }
  };

  private readonly onFrame = (value: unknown, frameBytes: number): void => {
    const envelopes = envelopeList(value);
    if (envelopes === null) {
      this.channel.fail(new ProtocolError(ProtocolErrorCode.UnexpectedMessage, 'a frame that is not a list of envelopes'));
      return;
    }
    this.settings.stats.framesReceived++;
    this.settings.stats.bytesReceived += frameBytes;
    this.settings.deliver(this.peer, envelopes);
  };

  private discardQueue(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    this.settings.stats.envelopesDropped += this.takeQueue().length;
  }
}
