/**
 * The floor's copy of the engine's batching (src/transport/batcher.ts): the messages a thread
 * sends to one peer during one turn of its event loop leave as ONE postMessage of an array,
 * flushed by setImmediate at the end of the turn. The floor must pay exactly what the engine
 * pays per postMessage and per wake-up, so this keeps the engine's choices (a Map of outboxes
 * in first-send order, one setImmediate per turn) and drops only what the floor never needs
 * (peers by name, the message-by-message fallback for values that cannot be cloned). A copy,
 * not an import: the bench may use only the engine's public API (tests/architecture.test.ts).
 */
import type { FloorBatch, FloorMessage } from './floor-protocol.js';

export class FloorBatcher {
  /** A new Map each turn, as the engine's batcher does (clearing an old Map keeps its batches alive). */
  private outbox = new Map<number, FloorMessage[]>();
  private scheduled = false;
  messages = 0;
  batches = 0;
  /** Characters of the value strings sent (see FloorCounters.valueBytesOut). */
  valueBytes = 0;

  /** @param post delivers one batch to a peer (a node index, or CLIENT_PEER). */
  constructor(private readonly post: (peer: number, batch: FloorBatch) => void) {}

  send(peer: number, msg: FloorMessage): void {
    let queue = this.outbox.get(peer);
    if (!queue) this.outbox.set(peer, (queue = []));
    queue.push(msg);
    this.messages++;
    if ('value' in msg && msg.value !== null) this.valueBytes += msg.value.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.outbox.size === 0) return;
    const pending = this.outbox;
    this.outbox = new Map();
    for (const [peer, batch] of pending) {
      this.batches++;
      this.post(peer, batch);
    }
  };

  /** Zeroes the counters (a new run on the same threads). */
  resetCounters(): void {
    this.messages = 0;
    this.batches = 0;
    this.valueBytes = 0;
  }
}
